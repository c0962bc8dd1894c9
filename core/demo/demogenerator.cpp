#include "demo/demogenerator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <future>
#include <thread>
#include <vector>

namespace cockpit {
namespace {

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and fast formatting

// splitmix64: tiny, fast, and good enough for test data. Streams are seeded from the table name
// and the row block (see blockSeed), so a row never depends on other tables, on the row count
// asked for, nor on which thread wrote it.
class Rng {
public:
    explicit Rng(uint64_t seed) : m_s(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return uint64_t((static_cast<unsigned __int128>(next()) * n) >> 64); }
    int64_t range(int64_t lo, int64_t hi) { return lo + int64_t(below(uint64_t(hi - lo) + 1)); }
    double unit() { return double(next() >> 11) * 0x1.0p-53; }

private:
    uint64_t m_s;
};

uint64_t seedFor(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull; // FNV-1a
    for (const char *p = name; *p; ++p)
        h = (h ^ uint8_t(*p)) * 0x100000001b3ull;
    return h ^ 0x2009A0DA7Aull;
}

constexpr int64_t daysFromCivil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

void civilFromDays(int64_t z, int &y, unsigned &m, unsigned &d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = int64_t(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = int(yy + (m <= 2));
}

// The text of one row: values are appended and bound with SQLITE_STATIC, so the buffer is
// fixed-size and reset per row (sized well above the widest row the specs can produce).
class RowBuffer {
public:
    RowBuffer() : m_buf(kSize) {}
    void reset() { m_used = 0; }
    char *mark() { return m_buf.data() + m_used; }
    int since(const char *mark) const { return int(m_buf.data() + m_used - mark); }
    void put(const char *s, size_t n)
    {
        std::memcpy(m_buf.data() + m_used, s, n);
        m_used += n;
    }
    void put(const char *s) { put(s, std::strlen(s)); }
    void putChar(char c) { m_buf[m_used++] = c; }
    void putUInt(uint64_t v, int width)
    {
        char tmp[24];
        int n = 0;
        do {
            tmp[n++] = char('0' + v % 10);
            v /= 10;
        } while (v);
        while (n < width)
            tmp[n++] = '0';
        while (n)
            m_buf[m_used++] = tmp[--n];
    }
    void put2(unsigned v)
    {
        m_buf[m_used++] = char('0' + v / 10);
        m_buf[m_used++] = char('0' + v % 10);
    }
    void putDate(int64_t days)
    {
        int y;
        unsigned m, d;
        civilFromDays(days, y, m, d);
        putUInt(unsigned(y), 4);
        putChar('-');
        put2(m);
        putChar('-');
        put2(d);
    }
    void putRandomBytes(Rng &rng, size_t n)
    {
        while (n) {
            const uint64_t r = rng.next();
            const size_t k = n < 8 ? n : 8;
            std::memcpy(m_buf.data() + m_used, &r, k); // host byte order: same on every x86/ARM box
            m_used += k;
            n -= k;
        }
    }

private:
    static constexpr size_t kSize = 64 * 1024;
    std::vector<char> m_buf;
    size_t m_used = 0;
};

// ---------------------------------------------------------------------------------------------
// Table specifications

using List = std::vector<const char *>;

// Companies, weighted: most rows belong to "ceu".
const List kCompaniesWeighted{"ceu", "ceu", "ceu", "ceu", "ceu", "dat", "dat", "dat", "dmo", "usmf"};
const List kCompanies{"ceu", "dat", "dmo", "usmf"};
const List kCurrencies{"EUR", "USD", "GBP", "PLN", "DKK", "JPY", "CHF", "SEK", "NOK", "CZK", "HUF", "CNY"};
const List kCurrencyNames{"Euro",         "US-Dollar",    "Pfund Sterling", "Złoty polski",
                          "Dansk krone",  "日本円",        "Schweizer Franken", "Svensk krona",
                          "Norsk krone",  "Koruna česká", "Magyar forint",  "人民币"};
const List kCurrencySymbols{"€", "$", "£", "zł", "kr.", "¥", "Fr.", "kr", "kr", "Kč", "Ft", "元"};
const List kCurrenciesWeighted{"EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "USD", "USD", "GBP",
                               "PLN", "DKK", "JPY", "CHF", "SEK", "CZK"};
const List kNames{"Müller",   "Schäfer",  "Øresund",   "Łukasiewicz", "Nordic",    "Contoso",
                  "Fabrikam", "Adventure", "Litware",  "Proseware",   "Wingtip",   "Tailspin",
                  "Northwind", "Żabka",   "Kowalski",  "Håkansson",   "Jönsson",   "Dvořák",
                  "Novák",    "Gómez",    "Ibáñez",    "François",    "Lefèvre",   "山田",
                  "佐藤",      "Ærø",      "Smith",     "Johnson",     "O'Brien",   "Weiß"};
const List kCompanySuffixes{"GmbH", "AG",    "A/S",      "AB",     "Sp. z o.o.", "s.r.o.", "S.A.",
                            "SARL", "Ltd.",  "Inc.",     "& Co. KG", "株式会社",  "Oy",     "B.V.",
                            "LLC",  "GmbH & Co. KG"};
const List kFirstNames{"Jürgen", "Łukasz", "Søren", "Åsa",  "François", "José",  "Zoë",  "Małgorzata",
                       "Björn",  "Anna",   "Peter", "Maria", "John",    "Yuki",  "健太",  "Dagný"};
const List kCities{"Berlin",  "München",  "Hamburg", "Łódź",     "Kraków",   "東京",     "大阪",
                   "Ærø",     "København", "Århus",  "Zürich",   "Göteborg", "Málaga",   "São Paulo",
                   "Reykjavík", "Praha",  "Brno",    "Wien",     "Köln",     "Düsseldorf", "Gdańsk",
                   "Poznań",  "Malmö",    "Tromsø",  "Besançon", "Chicago",  "Seattle",  "London",
                   "Dublin",  "Rotterdam"};
const List kCountries{"DE", "DE", "DE", "PL", "DK", "JP", "CH", "SE", "NO", "CZ", "US", "GB", "FR", "ES", "AT", "NL"};
const List kStreets{"Hauptstraße", "Królewska", "Strøget",        "Bahnhofstr.", "Main Street",
                    "Rue de la Paix", "Gran Vía", "銀座通り",      "Storgatan",   "Václavské nám.",
                    "Kärntner Straße", "Damrak",  "Piotrkowska",  "Åboulevarden", "Industriestraße"};
const List kItemNouns{"Schraube", "Bolt",   "Mutter",  "Washer", "Pallet",  "Kabel",   "Lampe",
                      "Stuhl",    "Tisch",  "Regal",   "Motor",  "Pumpe",   "Ventil",  "Filter",
                      "Sensor",   "Gehäuse", "Łożysko", "Rør",   "Skrue",   "歯車",     "Kugellager"};
const List kItemQualifiers{"M8",       "M10",     "verzinkt", "stainless", "1200x800", "rot",
                           "blau",     "grøn",    "schwarz",  "DIN 933",   "Typ A",    "Typ B",
                           "XL",       "mini",    "230V",     "ø 40 mm",   "½\" Zoll", "10 m",
                           "Größe 3",  "für Außen"};
const List kTxtVerbs{"Lieferung", "Rechnung", "Gutschrift", "Umbuchung", "Korrektur", "Inventur",
                     "Faktura",   "Kreditnota", "Zahlung",  "Payment",   "Invoice",   "Transfer",
                     "Przesunięcie", "Lagerumbuchung", "棚卸",  "Retoure"};
const List kTxtObjects{"Q1",      "Q2",   "Q3",     "Q4",     "Jänner", "März",  "Mai",   "Juli",
                       "Oktober", "Dezember", "Ærø", "Łódź",  "Zürich", "東京",   "Berlin", "intern",
                       "Kunde 4711", "lt. Beleg"};
const List kUnits{"pcs", "pcs", "pcs", "kg", "m", "l", "box", "pal", "Stk", "t", "m²", "m³"};
const List kLanguages{"de", "de", "en-us", "pl", "da", "ja", "sv", "cs", "fr"};
const List kSizes{"XS", "S", "M", "L", "XL", "XXL", "36", "38", "40", "42"};
const List kColors{"Rot", "Blau", "Grün", "Schwarz", "Weiß", "Grå", "Żółty", "白"};
const List kConfigs{"STD", "PRO", "ECO", "HD", "EXPORT"};
const List kTaxGroups{"DOM", "EU", "EXPORT", "REDUCED", "NONE"};
const List kModelGroups{"FIFO", "LIFO", "STD", "AVG", "WAVG"};
const List kLedgerNouns{"Kasse", "Bank", "Forderungen", "Verbindlichkeiten", "Umsatzerlöse",
                        "Wareneinsatz", "Löhne", "Miete", "Abschreibungen", "Vorsteuer",
                        "Umsatzsteuer", "Rückstellungen", "Kursdifferenzen", "Zinsen", "Porto"};
const List kLedgerQualifiers{"Inland", "EU", "Drittland", "Ausland", "19 %", "7 %", "0 %",
                             "Zentrale", "Filiale Łódź", "Werk Ærø", "東京支店"};
const List kProjNouns{"Einführung", "Rollout", "Umbau", "Wartung", "Migration", "Audit",
                      "Schulung", "Erweiterung", "Inbetriebnahme"};
const List kDeptNames{"Vertrieb", "Einkauf", "Lager", "Produktion", "Verwaltung", "IT",
                      "Service", "Logistik", "Qualität", "Forschung"};
const List kWarehouseWords{"Zentrallager", "Außenlager", "Magazyn", "Lager", "倉庫", "Warehouse"};
const List kDocNames{"Lieferschein", "Rechnung", "Zeichnung", "Prüfbericht", "Foto", "Vertrag",
                     "Datenblatt", "Zertifikat"};
const List kFileTypes{"pdf", "pdf", "docx", "xlsx", "png", "txt", "msg", "jpg"};
const List kJournalNames{"GenJrn", "Zahl", "Abschr", "Umb", "FX", "Lohn"};
const List kPaymentWords{"Netto", "Sofort", "Skonto", "Vorkasse", "Lastschrift", "Przelew"};
const List kNumberFormats{"SO-######", "PO-######", "#####_001", "JN######", "INV-####", "ŁD-####"};
const List kCompanyNames{"Contoso Europe GmbH", "Müller & Søn A/S", "Demo Łódź Sp. z o.o.",
                         "東京ロジスティクス株式会社"};
const List kCompanyStreets{"Hauptstraße 1", "Strøget 12", "Piotrkowska 104", "銀座 4-2-1"};
const List kCompanyCities{"Berlin", "København", "Łódź", "東京"};
const List kCompanyCountries{"DE", "DK", "PL", "JP"};
const List kCompanyCurrencies{"EUR", "DKK", "PLN", "JPY"};

enum class Gen {
    Code,       // prefix + zero-padded (lo + row * mul / div + 1) + suffix: unique when mul == div
    Ref,        // prefix + zero-padded (lo + random 1..hi): refers to another table's Code
    Int,        // lo..hi
    Real,       // lo..hi scaled by 10^decimals, bound as a double
    Date,       // 'YYYY-MM-DD' between day numbers lo..hi
    DateTime,   // 'YYYY-MM-DD HH:MM:SS' between day numbers lo..hi
    Pick,       // a random entry of list
    Cycle,      // list[row % size]
    Words,      // list entry + ' ' + list2 entry (+ ' ' + lo..hi when hi > 0)
    Blob,       // lo..hi random bytes
};

struct Col {
    const char *name;
    const char *type;
    Gen gen;
    double nulls = 0;
    double empties = 0; // of the values that are not NULL: '' instead (AX's "no value")
    const char *prefix = "";
    const char *suffix = "";
    int64_t lo = 0;
    int64_t hi = 0;
    int64_t mul = 1;
    int64_t div = 1;
    int width = 0;
    int decimals = 0;
    const List *list = nullptr;
    const List *list2 = nullptr;
    bool notNull = false;
    const char *defaultValue = nullptr;

    Col &null(double p) { nulls = p; notNull = false; return *this; }
    Col &empty(double p) { empties = p; return *this; }
    Col &required() { notNull = true; return *this; }
};

// Persistent "VARCHAR(n)" strings for the specs (Col keeps const char *).
const char *varchar(int n)
{
    static const char *const kTypes[] = {"VARCHAR(2)",  "VARCHAR(3)",  "VARCHAR(4)",  "VARCHAR(7)",
                                         "VARCHAR(8)",  "VARCHAR(10)", "VARCHAR(20)", "VARCHAR(30)",
                                         "VARCHAR(40)", "VARCHAR(60)", "VARCHAR(80)", "VARCHAR(250)",
                                         "VARCHAR(255)"};
    static const int kLengths[] = {2, 3, 4, 7, 8, 10, 20, 30, 40, 60, 80, 250, 255};
    for (size_t i = 0; i < sizeof kLengths / sizeof kLengths[0]; ++i)
        if (kLengths[i] == n)
            return kTypes[i];
    Q_ASSERT_X(false, "varchar", "add the length to kLengths");
    return "VARCHAR(255)";
}
Col codeCol(const char *name, int length, const char *prefix, int width, int64_t offset = 0,
            const char *suffix = "")
{
    Col c{name, varchar(length), Gen::Code};
    c.prefix = prefix;
    c.suffix = suffix;
    c.width = width;
    c.lo = offset;
    c.notNull = true;
    return c;
}
// AX's lot ids: a lot has 2 or 3 inventory transactions, and lots are numbered as they come.
Col lots(const char *name)
{
    Col c = codeCol(name, 20, "LOT", 8);
    c.mul = 2;
    c.div = 5;
    return c;
}
Col ref(const char *name, int length, const char *prefix, int width, int64_t count, int64_t offset = 0)
{
    Col c{name, varchar(length), Gen::Ref};
    c.prefix = prefix;
    c.width = width;
    c.lo = offset;
    c.hi = count;
    return c;
}
Col integer(const char *name, int64_t lo, int64_t hi)
{
    Col c{name, "INTEGER", Gen::Int};
    c.lo = lo;
    c.hi = hi;
    return c;
}
Col enumCol(const char *name, int values) // AX enums are small integers, never NULL
{
    Col c = integer(name, 0, values - 1);
    c.notNull = true;
    c.defaultValue = "0";
    return c;
}
Col scaled(const char *name, const char *type, double lo, double hi, int decimals)
{
    Col c{name, type, Gen::Real};
    const double f = std::pow(10.0, decimals);
    c.lo = std::llround(lo * f);
    c.hi = std::llround(hi * f);
    c.decimals = decimals;
    return c;
}
Col real(const char *name, double lo, double hi, int decimals = 2)
{
    return scaled(name, "REAL", lo, hi, decimals);
}
Col money(const char *name, double lo, double hi, int decimals = 2)
{
    return scaled(name, "NUMERIC(28,12)", lo, hi, decimals);
}
Col date(const char *name, int fromYear, int toYear)
{
    Col c{name, "DATE", Gen::Date};
    c.lo = daysFromCivil(fromYear, 1, 1);
    c.hi = daysFromCivil(toYear, 12, 31);
    return c;
}
Col datetime(const char *name, int fromYear, int toYear)
{
    Col c = date(name, fromYear, toYear);
    c.type = "DATETIME";
    c.gen = Gen::DateTime;
    return c;
}
Col pick(const char *name, int length, const List &list)
{
    Col c{name, varchar(length), Gen::Pick};
    c.list = &list;
    return c;
}
Col cycle(const char *name, int length, const List &list)
{
    Col c{name, varchar(length), Gen::Cycle};
    c.list = &list;
    c.notNull = true;
    return c;
}
Col words(const char *name, int length, const List &list, const List &list2, int64_t numLo = 0,
          int64_t numHi = 0)
{
    Col c{name, varchar(length), Gen::Words};
    c.list = &list;
    c.list2 = &list2;
    c.lo = numLo;
    c.hi = numHi;
    return c;
}
Col blob(const char *name, int minBytes, int maxBytes)
{
    Col c{name, "BLOB", Gen::Blob};
    c.lo = minBytes;
    c.hi = maxBytes;
    return c;
}

enum class Key {
    RecIdPk,   // RECID INTEGER PRIMARY KEY (the rowid)
    Composite, // RECID BIGINT NOT NULL plus a table-level PRIMARY KEY(...) on a rowid table
    None,      // no primary key at all
};

struct TableSpec {
    const char *name;
    int64_t rows;
    std::vector<Col> cols; // business columns; RECID, DATAAREAID, RECVERSION come first
    Key key = Key::RecIdPk;
    const char *constraint = nullptr; // table-level constraint clause
    int dataAreaBlock = 0;            // > 0: DATAAREAID cycles through kCompanies in blocks
    std::vector<const char *> indexes;
};

// Common column shorthands.
Col itemRef(const char *name = "ITEMID") { return ref(name, 20, "IT", 6, 20000); }
Col dimRef(const char *name = "INVENTDIMID") { return ref(name, 20, "DIM", 7, 25000); }
Col custRef(const char *name = "CUSTACCOUNT") { return ref(name, 20, "C", 6, 50000); }
Col vendRef(const char *name = "VENDACCOUNT") { return ref(name, 20, "V", 6, 8000); }
Col ledgerRef(const char *name = "ACCOUNTNUM") { return ref(name, 20, "", 6, 1500, 100000); }
Col userRef(const char *name) { return ref(name, 8, "u", 3, 60); }
Col currency(const char *name = "CURRENCYCODE") { return pick(name, 3, kCurrenciesWeighted); }
// An unused dimension is '' as AX writes it, or NULL where an old import left it.
Col dimension(const char *name, double unused)
{
    return ref(name, 10, "D", 4, 1200).null(unused / 2).empty(unused / 2);
}
Col voucher(const char *name = "VOUCHER") { return ref(name, 20, "GJ", 8, 150000); }
Col txt(const char *name = "TXT", int length = 60) { return words(name, length, kTxtVerbs, kTxtObjects); }
Col companyName(const char *name = "NAME") { return words(name, 60, kNames, kCompanySuffixes); }
Col street(const char *name = "STREET") { return words(name, 250, kStreets, kStreets, 1, 250); }

std::vector<TableSpec> demoTables(int64_t inventTransRows, double otherTablesScale)
{
    std::vector<TableSpec> t;

    t.push_back({"ADDRESS", 30000,
                 {integer("ADDRTABLEID", 1, 600), integer("ADDRRECID", 5637144576, 5637194576),
                  companyName(), enumCol("TYPE", 10), street(),
                  ref("ZIPCODE", 10, "", 5, 99999).null(0.03), pick("CITY", 60, kCities),
                  pick("COUNTY", 10, kCountries).null(0.7), ref("STATE", 10, "ST", 2, 16).null(0.6),
                  pick("COUNTRYREGIONID", 10, kCountries), ref("PHONE", 20, "+49 30 ", 7, 9999999).null(0.3),
                  ref("TELEFAX", 20, "+49 30 ", 7, 9999999).null(0.8),
                  codeCol("EMAIL", 80, "contact", 6, 0, "@example.com").null(0.5),
                  codeCol("URL", 255, "https://www.example.com/", 6).null(0.85),
                  datetime("MODIFIEDDATETIME", 2006, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_1ADDRREFIDX ON ADDRESS(ADDRTABLEID, ADDRRECID, TYPE)"}});

    t.push_back({"BOM", 15000,
                 {ref("BOMID", 20, "BOM", 6, 3000).required(), real("LINENUM", 1, 60, 0), itemRef(),
                  real("BOMQTY", 0.001, 100, 3), real("BOMQTYSERIE", 1, 1000, 0), pick("UNITID", 10, kUnits),
                  enumCol("BOMTYPE", 3), ref("POSITION", 10, "P", 3, 999).null(0.6),
                  date("FROMDATE", 2004, 2009).null(0.8), date("TODATE", 2010, 2014).null(0.9),
                  real("SCRAPVAR", 0, 20, 2).null(0.6), dimRef().null(0.5)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_18BOMIDX ON BOM(BOMID, LINENUM, DATAAREAID)",
                  "CREATE INDEX I_18ITEMIDX ON BOM(ITEMID)"}});

    t.push_back({"COMPANYINFO", 4,
                 {cycle("NAME", 60, kCompanyNames), cycle("STREET", 250, kCompanyStreets),
                  cycle("CITY", 60, kCompanyCities), cycle("COUNTRYREGIONID", 10, kCompanyCountries),
                  cycle("CURRENCYCODE", 3, kCompanyCurrencies), ref("VATNUM", 20, "EU", 9, 999999999),
                  blob("LOGO", 64, 256).null(0.25)},
                 Key::RecIdPk, nullptr, 1, {}});

    t.push_back({"CURRENCY", 48,
                 {cycle("CURRENCYCODE", 3, kCurrencies), cycle("TXT", 60, kCurrencyNames),
                  cycle("SYMBOL", 10, kCurrencySymbols), real("ROUNDOFFPRICE", 0, 1, 2),
                  money("ROUNDINGPRECISION", 0, 1, 4), enumCol("EMUCURRENCY", 2),
                  enumCol("GENDER", 3), datetime("MODIFIEDDATETIME", 2004, 2010)},
                 Key::Composite, "PRIMARY KEY (DATAAREAID, CURRENCYCODE)", 12, {}});

    t.push_back({"CUSTGROUP", 24,
                 {codeCol("CUSTGROUP", 10, "CG", 2), words("NAME", 60, kDeptNames, kCities),
                  ref("PAYMTERMID", 10, "PT", 2, 30), integer("CLEARINGPERIOD", 0, 60).null(0.5)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_71GROUPIDX ON CUSTGROUP(CUSTGROUP, DATAAREAID)"}});

    t.push_back({"CUSTTABLE", 50000,
                 {codeCol("ACCOUNTNUM", 20, "C", 6), companyName(), ref("CUSTGROUP", 10, "CG", 2, 24),
                  currency("CURRENCY"), pick("LANGUAGEID", 7, kLanguages), street().null(0.05),
                  ref("ZIPCODE", 10, "", 5, 99999).null(0.02), pick("CITY", 60, kCities),
                  pick("COUNTRYREGIONID", 10, kCountries),
                  ref("PHONE", 20, "+49 89 ", 7, 9999999).null(0.3),
                  codeCol("EMAIL", 80, "customer", 6, 0, "@example.com").null(0.45),
                  ref("VATNUM", 20, "DE", 9, 999999999).null(0.4),
                  money("CREDITMAX", 0, 500000).null(0.1), enumCol("BLOCKED", 3),
                  ref("PAYMTERMID", 10, "PT", 2, 30), dimension("DIMENSION", 0.5),
                  datetime("CREATEDDATETIME", 2003, 2008), datetime("MODIFIEDDATETIME", 2008, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_077ACCOUNTIDX ON CUSTTABLE(ACCOUNTNUM, DATAAREAID)",
                  "CREATE INDEX I_077NAMEIDX ON CUSTTABLE(NAME, DATAAREAID)",
                  "CREATE INDEX I_077GROUPIDX ON CUSTTABLE(CUSTGROUP)"}});

    t.push_back({"CUSTTRANS", 60000,
                 {custRef("ACCOUNTNUM").required(), date("TRANSDATE", 2005, 2011), voucher(),
                  ref("INVOICE", 20, "INV", 7, 80000).null(0.3), txt().null(0.4),
                  money("AMOUNTCUR", -100000, 500000), money("AMOUNTMST", -100000, 500000),
                  money("SETTLEAMOUNTCUR", -100000, 500000).null(0.4), currency(),
                  date("DUEDATE", 2005, 2012).null(0.2), date("CLOSED", 2005, 2012).null(0.5),
                  enumCol("TRANSTYPE", 20), real("EXCHRATE", 0.5, 20000, 4),
                  voucher("LASTSETTLEVOUCHER").null(0.5), enumCol("APPROVED", 2)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_078ACCOUNTDATEIDX ON CUSTTRANS(ACCOUNTNUM, TRANSDATE, DATAAREAID)",
                  "CREATE INDEX I_078VOUCHERIDX ON CUSTTRANS(VOUCHER, TRANSDATE)"}});

    t.push_back({"DIMENSIONS", 1200,
                 {enumCol("DIMENSIONCODE", 3), codeCol("NUM", 10, "D", 4),
                  words("DESCRIPTION", 60, kDeptNames, kCities), userRef("INCHARGE").null(0.5),
                  enumCol("CLOSED", 2), pick("COMPANYGROUP", 10, kCompanies).null(0.8),
                  datetime("MODIFIEDDATETIME", 2004, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_146CODENUMIDX ON DIMENSIONS(DIMENSIONCODE, NUM, DATAAREAID)"}});

    t.push_back({"DOCUVALUE", 1500,
                 {words("FILENAME", 250, kDocNames, kCities, 1, 9999), pick("FILETYPE", 10, kFileTypes),
                  words("NAME", 60, kDocNames, kTxtObjects),
                  words("ORIGINALFILENAME", 250, kDocNames, kItemQualifiers).null(0.3),
                  blob("FILE_", 16, 600).null(0.05), userRef("CREATEDBY"),
                  datetime("CREATEDDATETIME", 2005, 2011)},
                 Key::RecIdPk, nullptr, 0, {}});

    t.push_back({"EXCHRATES", 6000,
                 {pick("CURRENCYCODE", 3, kCurrencies).required(), date("FROMDATE", 2000, 2011),
                  date("TODATE", 2001, 2012).null(0.3), real("EXCHRATE", 0.5, 20000, 4),
                  real("EXCHRATESECOND", 0.5, 20000, 4).null(0.9), enumCol("TRIANGULATION", 2)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_137CURRENCYDATEIDX ON EXCHRATES(CURRENCYCODE, FROMDATE, DATAAREAID)"}});

    t.push_back({"INVENTDIM", 25000,
                 {codeCol("INVENTDIMID", 20, "DIM", 7), ref("INVENTBATCHID", 20, "B", 6, 90000).null(0.6),
                  ref("WMSLOCATIONID", 10, "L", 5, 5000).null(0.3),
                  ref("INVENTSERIALID", 20, "SN", 8, 99999999).null(0.85),
                  ref("INVENTLOCATIONID", 10, "WH", 2, 40), pick("CONFIGID", 10, kConfigs).null(0.7),
                  pick("INVENTSIZEID", 10, kSizes).null(0.6), pick("INVENTCOLORID", 10, kColors).null(0.6),
                  ref("INVENTSITEID", 10, "S", 2, 6)},
                 Key::RecIdPk, "UNIQUE (DATAAREAID, INVENTDIMID)", 0,
                 {"CREATE INDEX I_698LOCATIONIDX ON INVENTDIM(INVENTLOCATIONID, WMSLOCATIONID)"}});

    t.push_back({"INVENTLOCATION", 40,
                 {codeCol("INVENTLOCATIONID", 10, "WH", 2), words("NAME", 60, kCities, kWarehouseWords),
                  enumCol("INVENTLOCATIONTYPE", 3), ref("INVENTSITEID", 10, "S", 2, 6),
                  real("MAXPICKINGROUTEVOLUME", 0, 500, 2).null(0.5), enumCol("WMSAISLENAMEACTIVE", 2)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_157LOCATIONIDX ON INVENTLOCATION(INVENTLOCATIONID, DATAAREAID)"}});

    t.push_back({"INVENTSUM", 30000,
                 {itemRef().required(), dimRef().required(), real("POSTEDQTY", -500, 5000),
                  money("POSTEDVALUE", -50000, 500000), real("DEDUCTED", 0, 2000),
                  real("RECEIVED", 0, 2000), real("RESERVPHYSICAL", 0, 500).null(0.3),
                  real("RESERVORDERED", 0, 500).null(0.5), real("ONORDER", 0, 1000),
                  real("ORDERED", 0, 1000), real("AVAILPHYSICAL", -100, 5000),
                  date("LASTUPDDATEPHYSICAL", 2008, 2011).null(0.2), enumCol("CLOSED", 2)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_174ITEMDIMIDX ON INVENTSUM(ITEMID, INVENTDIMID, DATAAREAID)"}});

    t.push_back({"INVENTSUMDELTA", 0,
                 {itemRef(), dimRef(), real("POSTEDQTY", -500, 5000), integer("TTSID", 1, 1000000),
                  enumCol("ISAGGREGATED", 2)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_2397TTSITEMIDX ON INVENTSUMDELTA(TTSID, ITEMID)"}});

    t.push_back({"INVENTTABLE", 20000,
                 {codeCol("ITEMID", 20, "IT", 6), words("ITEMNAME", 60, kItemNouns, kItemQualifiers),
                  ref("ITEMGROUPID", 10, "IG", 3, 60), enumCol("ITEMTYPE", 3),
                  real("NETWEIGHT", 0, 500, 3).null(0.2), real("TARAWEIGHT", 0, 50, 3).null(0.6),
                  real("UNITVOLUME", 0, 10, 4).null(0.5), vendRef("PRIMARYVENDORID").null(0.25),
                  pick("BOMUNITID", 10, kUnits), ref("DIMGROUPID", 10, "DG", 2, 12),
                  pick("MODELGROUPID", 10, kModelGroups), money("PRICE", 0, 25000, 2),
                  itemRef("ALTITEMID").null(0.7), enumCol("ABCREVENUE", 4),
                  datetime("CREATEDDATETIME", 2003, 2008), datetime("MODIFIEDDATETIME", 2008, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_175ITEMIDX ON INVENTTABLE(ITEMID, DATAAREAID)",
                  "CREATE INDEX I_175GROUPITEMIDX ON INVENTTABLE(ITEMGROUPID, ITEMID)"}});

    t.push_back({"INVENTTRANS", inventTransRows,
                 {itemRef().required(), lots("INVENTTRANSID"),
                  dimRef(), real("QTY", -1000, 1000, 2), money("COSTAMOUNTPOSTED", -250000, 250000, 2),
                  money("COSTAMOUNTPHYSICAL", -250000, 250000, 2).null(0.25),
                  money("COSTAMOUNTADJUSTMENT", -5000, 5000, 4).null(0.6),
                  date("DATEPHYSICAL", 2005, 2011), date("DATEFINANCIAL", 2005, 2011).null(0.3),
                  date("DATEEXPECTED", 2005, 2012).null(0.5), date("DATESTATUS", 2005, 2011),
                  enumCol("STATUSISSUE", 7), enumCol("STATUSRECEIPT", 7), enumCol("TRANSTYPE", 25),
                  ref("TRANSREFID", 20, "SO", 7, 30000), voucher().null(0.4),
                  ref("INVOICEID", 20, "INV", 7, 80000).null(0.5), currency(), txt().null(0.7),
                  ref("PACKINGSLIPID", 20, "PS", 7, 90000).null(0.65),
                  datetime("MODIFIEDDATETIME", 2005, 2011), userRef("CREATEDBY").null(0.1)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_177ITEMIDX ON INVENTTRANS(ITEMID, DATAAREAID, DATEPHYSICAL)",
                  "CREATE INDEX I_177TRANSIDIDX ON INVENTTRANS(INVENTTRANSID, DATAAREAID)"}});

    t.push_back({"LEDGERJOURNALTABLE", 4000,
                 {codeCol("JOURNALNUM", 10, "JN", 6), txt("NAME"), enumCol("JOURNALTYPE", 12),
                  enumCol("POSTED", 2), datetime("POSTEDDATETIME", 2005, 2011).null(0.3), currency(),
                  pick("JOURNALNAME", 10, kJournalNames), enumCol("REVERSEENTRY", 2),
                  date("REVERSEDATE", 2005, 2012).null(0.9), userRef("CREATEDBY"),
                  datetime("CREATEDDATETIME", 2005, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_212NUMIDX ON LEDGERJOURNALTABLE(JOURNALNUM, DATAAREAID)"}});

    t.push_back({"LEDGERJOURNALTRANS", 30000,
                 {ref("JOURNALNUM", 10, "JN", 6, 4000).required(), real("LINENUM", 1, 500, 0),
                  date("TRANSDATE", 2005, 2011), enumCol("ACCOUNTTYPE", 6), ledgerRef(),
                  enumCol("OFFSETACCOUNTTYPE", 6), ledgerRef("OFFSETACCOUNT").null(0.3),
                  money("AMOUNTCURDEBIT", 0, 100000).null(0.5), money("AMOUNTCURCREDIT", 0, 100000).null(0.5),
                  currency(), real("EXCHRATE", 0.5, 20000, 4), txt().null(0.3), voucher(),
                  date("DUE", 2005, 2012).null(0.6), dimension("DIMENSION", 0.4),
                  ref("INVOICE", 20, "INV", 7, 80000).null(0.6),
                  ref("PAYMREFERENCE", 20, "RF", 10, 999999999).null(0.8)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_211NUMVOUCHERIDX ON LEDGERJOURNALTRANS(JOURNALNUM, VOUCHER, DATAAREAID)"}});

    t.push_back({"LEDGERTABLE", 1500,
                 {codeCol("ACCOUNTNUM", 20, "", 6, 100000), words("ACCOUNTNAME", 60, kLedgerNouns, kLedgerQualifiers),
                  enumCol("ACCOUNTPLTYPE", 8), ledgerRef("OFFSETACCOUNT").null(0.9),
                  enumCol("DEBCREDPROPOSAL", 3), enumCol("BLOCKEDINJOURNAL", 2),
                  dimension("DIMENSION", 0.6), enumCol("CLOSED", 2), datetime("MODIFIEDDATETIME", 2004, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_221ACCOUNTIDX ON LEDGERTABLE(ACCOUNTNUM, DATAAREAID)"}});

    t.push_back({"LEDGERTRANS", 200000,
                 {ledgerRef().required(), date("TRANSDATE", 2005, 2011), voucher(), txt().null(0.35),
                  money("AMOUNTCUR", -1000000, 1000000), money("AMOUNTMST", -1000000, 1000000),
                  money("AMOUNTMSTSECOND", -1000000, 1000000).null(0.7), real("QTY", -1000, 1000).null(0.8),
                  currency(), enumCol("POSTING", 60), enumCol("TRANSTYPE", 30),
                  ref("JOURNALNUM", 10, "JN", 6, 4000).null(0.4), dimension("DIMENSION", 0.3),
                  dimension("DIMENSION2_", 0.5), dimension("DIMENSION3_", 0.7), enumCol("CORRECT", 2),
                  voucher("CROSSREF").null(0.6), ref("DOCUMENTNUM", 20, "DOC", 7, 500000).null(0.5),
                  date("DOCUMENTDATE", 2005, 2011).null(0.5), datetime("CREATEDDATETIME", 2005, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_223ACDATEIDX ON LEDGERTRANS(ACCOUNTNUM, TRANSDATE, DATAAREAID)",
                  "CREATE INDEX I_223VOUCHERDATEIDX ON LEDGERTRANS(VOUCHER, TRANSDATE)"}});

    t.push_back({"NUMBERSEQUENCETABLE", 250,
                 {codeCol("NUMBERSEQUENCE", 20, "NS", 4), txt(), integer("LOWEST", 1, 1),
                  integer("HIGHEST", 999999, 99999999), integer("NEXTREC", 1, 999999),
                  pick("FORMAT", 40, kNumberFormats), enumCol("CONTINUOUS", 2), enumCol("INUSE", 2)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_273SEQIDX ON NUMBERSEQUENCETABLE(NUMBERSEQUENCE, DATAAREAID)"}});

    t.push_back({"PAYMTERM", 30,
                 {codeCol("PAYMTERMID", 10, "PT", 2), words("DESCRIPTION", 60, kPaymentWords, kTxtObjects),
                  integer("NUMOFDAYS", 0, 90), enumCol("PAYMMETHOD", 5), enumCol("CASH", 2)},
                 Key::RecIdPk, nullptr, 0, {}});

    t.push_back({"PRICEDISCTABLE", 15000,
                 {itemRef("ITEMRELATION"), custRef("ACCOUNTRELATION").null(0.5), enumCol("ITEMCODE", 3),
                  enumCol("ACCOUNTCODE", 3), enumCol("RELATION", 9),
                  real("QUANTITYAMOUNT", 0, 1000, 0).null(0.5), date("FROMDATE", 2005, 2010).null(0.4),
                  date("TODATE", 2010, 2013).null(0.6), money("AMOUNT", 0, 25000), currency(),
                  real("PERCENT1", 0, 50).null(0.7), real("PERCENT2", 0, 20).null(0.9),
                  real("PRICEUNIT", 1, 100, 0), pick("UNITID", 10, kUnits), dimRef().null(0.6)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_1069PRICEIDX ON PRICEDISCTABLE(ITEMRELATION, ACCOUNTRELATION, RELATION, DATAAREAID)"}});

    t.push_back({"PROJTABLE", 2500,
                 {codeCol("PROJID", 20, "P", 6), words("NAME", 60, kProjNouns, kCities),
                  custRef().null(0.3), ref("PROJGROUPID", 10, "PG", 2, 20), enumCol("STATUS", 5),
                  enumCol("TYPE", 6), date("STARTDATE", 2004, 2010), date("ENDDATE", 2008, 2013).null(0.4),
                  ref("PARENTID", 20, "P", 6, 2500).null(0.7), userRef("RESPONSIBLE").null(0.2),
                  pick("SORTINGID", 10, kDeptNames).null(0.6), datetime("MODIFIEDDATETIME", 2004, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_245PROJIDX ON PROJTABLE(PROJID, DATAAREAID)"}});

    t.push_back({"PROJTRANSPOSTING", 30000,
                 {ref("PROJID", 20, "P", 6, 2500).required(), codeCol("TRANSID", 20, "PT", 9),
                  date("TRANSDATE", 2005, 2011), voucher(), ledgerRef("ACCOUNT"),
                  money("AMOUNTMST", -50000, 50000), real("QTY", 0, 100).null(0.5),
                  ref("CATEGORYID", 10, "CAT", 3, 80).null(0.3), enumCol("PROJTRANSTYPE", 5),
                  enumCol("POSTINGTYPE", 30), integer("PAYMENTSTATUS", 0, 3).null(0.5),
                  ref("EMPLID", 10, "E", 4, 900).null(0.6), dimension("DIMENSION", 0.4)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_250PROJIDX ON PROJTRANSPOSTING(PROJID, TRANSDATE)",
                  "CREATE INDEX I_250TRANSIDIDX ON PROJTRANSPOSTING(TRANSID)"}});

    t.push_back({"PURCHLINE", 50000,
                 {ref("PURCHID", 20, "PO", 7, 12000).required(), real("LINENUM", 1, 100, 0), itemRef(),
                  words("NAME", 60, kItemNouns, kItemQualifiers).null(0.1), real("PURCHQTY", -10, 1000),
                  money("PURCHPRICE", 0, 5000), money("LINEAMOUNT", -5000, 250000), currency(),
                  pick("PURCHUNIT", 10, kUnits), dimRef(), codeCol("INVENTTRANSID", 20, "LOTP", 8),
                  enumCol("PURCHSTATUS", 4), date("DELIVERYDATE", 2005, 2012),
                  date("CONFIRMEDDLV", 2005, 2012).null(0.6), real("QTYORDERED", 0, 1000),
                  real("REMAINPURCHPHYSICAL", 0, 1000).null(0.4), datetime("MODIFIEDDATETIME", 2005, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_340PURCHLINEIDX ON PURCHLINE(PURCHID, LINENUM)",
                  "CREATE INDEX I_340ITEMIDX ON PURCHLINE(ITEMID, DATAAREAID)"}});

    t.push_back({"PURCHTABLE", 12000,
                 {codeCol("PURCHID", 20, "PO", 7), companyName("PURCHNAME"), vendRef("ORDERACCOUNT").required(),
                  vendRef("INVOICEACCOUNT").null(0.85), enumCol("PURCHSTATUS", 4), enumCol("PURCHASETYPE", 4),
                  currency(), date("DELIVERYDATE", 2005, 2012), companyName("DELIVERYNAME").null(0.3),
                  ref("INVENTLOCATIONID", 10, "WH", 2, 40), ref("PAYMENT", 10, "PT", 2, 30),
                  ref("VENDORREF", 20, "AB-", 6, 999999).null(0.5), datetime("CREATEDDATETIME", 2005, 2011),
                  datetime("MODIFIEDDATETIME", 2005, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_345PURCHIDX ON PURCHTABLE(PURCHID, DATAAREAID)",
                  "CREATE INDEX I_345ACCOUNTIDX ON PURCHTABLE(ORDERACCOUNT, DATAAREAID)"}});

    t.push_back({"ROUTE", 8000,
                 {ref("ROUTEID", 20, "R", 6, 2000).required(), integer("OPRNUM", 10, 200),
                  integer("OPRNUMNEXT", 10, 200).null(0.3), ref("OPRID", 10, "OP", 4, 300),
                  real("PROCESSTIME", 0, 48, 2).null(0.2), real("SETUPTIME", 0, 8, 2).null(0.5),
                  real("QUEUETIMEBEFORE", 0, 24, 2).null(0.7), ref("WRKCTRID", 10, "WC", 3, 120).null(0.1),
                  txt().null(0.6)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_1ROUTEOPRIDX ON ROUTE(ROUTEID, OPRNUM)"}});

    t.push_back({"SALESLINE", 200000,
                 {ref("SALESID", 20, "SO", 7, 30000).required(), real("LINENUM", 1, 200, 0), itemRef(),
                  words("NAME", 60, kItemNouns, kItemQualifiers).null(0.1), real("SALESQTY", -10, 500),
                  money("SALESPRICE", 0, 5000), money("LINEDISC", 0, 500).null(0.7),
                  real("LINEPERCENT", 0, 30).null(0.8), money("LINEAMOUNT", -5000, 250000), currency(),
                  pick("SALESUNIT", 10, kUnits), dimRef(), codeCol("INVENTTRANSID", 20, "LOT", 8),
                  enumCol("SALESSTATUS", 5), date("SHIPPINGDATEREQUESTED", 2005, 2012),
                  date("SHIPPINGDATECONFIRMED", 2005, 2012).null(0.5),
                  date("CONFIRMEDDLV", 2005, 2012).null(0.55), pick("TAXGROUP", 10, kTaxGroups).null(0.1),
                  pick("TAXITEMGROUP", 10, kTaxGroups).null(0.15), dimension("DIMENSION", 0.5),
                  datetime("MODIFIEDDATETIME", 2005, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_359SALESLINEIDX ON SALESLINE(SALESID, LINENUM)",
                  "CREATE UNIQUE INDEX I_359TRANSIDIDX ON SALESLINE(INVENTTRANSID, DATAAREAID)",
                  "CREATE INDEX I_359ITEMIDX ON SALESLINE(ITEMID, DATAAREAID)"}});

    t.push_back({"SALESTABLE", 30000,
                 {codeCol("SALESID", 20, "SO", 7), companyName("SALESNAME"), custRef().required(),
                  custRef("INVOICEACCOUNT").null(0.8), enumCol("SALESSTATUS", 5), enumCol("SALESTYPE", 4),
                  currency(), date("DELIVERYDATE", 2005, 2012),
                  date("SHIPPINGDATEREQUESTED", 2005, 2012).null(0.3), companyName("DELIVERYNAME").null(0.2),
                  street("DELIVERYSTREET").null(0.2), pick("DELIVERYCITY", 60, kCities),
                  ref("PAYMENT", 10, "PT", 2, 30), ref("CUSTOMERREF", 60, "PO-", 6, 999999).null(0.6),
                  ref("PURCHORDERFORMNUM", 20, "", 8, 99999999).null(0.7),
                  ref("INVENTLOCATIONID", 10, "WH", 2, 40), datetime("CREATEDDATETIME", 2005, 2011),
                  datetime("MODIFIEDDATETIME", 2005, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_366SALESIDX ON SALESTABLE(SALESID, DATAAREAID)",
                  "CREATE INDEX I_366CUSTIDX ON SALESTABLE(CUSTACCOUNT, DATAAREAID)"}});

    // An AX log table without any primary key (AX relies on RECID's index, which is not here).
    t.push_back({"SYSDATABASELOG", 10000,
                 {integer("TABLE_", 1, 1200), enumCol("LOGTYPE", 3), integer("LOGRECID", 5637144576, 5638144576),
                  blob("DATA", 8, 200).null(0.3), txt("DESCRIPTION").null(0.5), userRef("USERNAME"),
                  datetime("CREATEDDATETIME", 2008, 2011)},
                 Key::None, nullptr, 0,
                 {"CREATE INDEX I_65526TABLERECIDX ON SYSDATABASELOG(TABLE_, LOGRECID)"}});

    t.push_back({"SYSLASTVALUE", 0,
                 {userRef("USERID"), pick("COMPANY", 4, kCompanies), integer("RECORDTYPE", 0, 30),
                  words("ELEMENTNAME", 40, kDocNames, kDocNames), words("DESIGNNAME", 40, kDocNames, kDocNames),
                  enumCol("ISKERNEL", 2), blob("VALUE", 8, 64)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_65525USERIDX ON SYSLASTVALUE(USERID, COMPANY, RECORDTYPE)"}});

    t.push_back({"UNITCONVERT", 400,
                 {pick("FROMUNIT", 10, kUnits).required(), pick("TOUNIT", 10, kUnits).required(),
                  real("FACTOR", 0.001, 1000, 6), itemRef().null(0.6), real("ROUNDOFF", 0, 1, 2).null(0.5),
                  real("MULTIPLIER", 1, 100, 0), real("OUTERQTY", -10, 10, 3).null(0.8)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_262FROMTOIDX ON UNITCONVERT(FROMUNIT, TOUNIT, ITEMID)"}});

    t.push_back({"USERINFO", 60,
                 {codeCol("ID", 8, "u", 3), words("NAME", 60, kFirstNames, kNames), enumCol("ENABLE", 2),
                  codeCol("EMAIL", 80, "user", 3, 0, "@example.com").null(0.3),
                  pick("LANGUAGE", 7, kLanguages), pick("COMPANY", 4, kCompanies)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_65500IDIDX ON USERINFO(ID)"}});

    t.push_back({"VENDTABLE", 8000,
                 {codeCol("ACCOUNTNUM", 20, "V", 6), companyName(), ref("VENDGROUP", 10, "VG", 2, 16),
                  currency("CURRENCY"), street().null(0.05), ref("ZIPCODE", 10, "", 5, 99999).null(0.02),
                  pick("CITY", 60, kCities), pick("COUNTRYREGIONID", 10, kCountries),
                  ref("PHONE", 20, "+48 42 ", 7, 9999999).null(0.3),
                  ref("BANKACCOUNT", 10, "BA", 4, 9999).null(0.3), money("CREDITMAX", 0, 250000).null(0.2),
                  enumCol("BLOCKED", 3), ref("PAYMTERMID", 10, "PT", 2, 30),
                  datetime("MODIFIEDDATETIME", 2005, 2011)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_505ACCOUNTIDX ON VENDTABLE(ACCOUNTNUM, DATAAREAID)"}});

    t.push_back({"VENDTRANS", 20000,
                 {vendRef("ACCOUNTNUM").required(), date("TRANSDATE", 2005, 2011), voucher(),
                  ref("INVOICE", 20, "VI", 7, 40000).null(0.3), txt().null(0.4),
                  money("AMOUNTCUR", -250000, 100000), money("AMOUNTMST", -250000, 100000),
                  money("SETTLEAMOUNTCUR", -250000, 100000).null(0.4), currency(),
                  date("DUEDATE", 2005, 2012).null(0.2), date("CLOSED", 2005, 2012).null(0.5),
                  enumCol("TRANSTYPE", 20), real("EXCHRATE", 0.5, 20000, 4), enumCol("APPROVED", 2)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE INDEX I_508ACCOUNTDATEIDX ON VENDTRANS(ACCOUNTNUM, TRANSDATE, DATAAREAID)",
                  "CREATE INDEX I_508VOUCHERIDX ON VENDTRANS(VOUCHER, TRANSDATE)"}});

    t.push_back({"WMSLOCATION", 5000,
                 {ref("INVENTLOCATIONID", 10, "WH", 2, 40).required(), codeCol("WMSLOCATIONID", 10, "L", 5),
                  ref("AISLEID", 10, "A", 2, 30), integer("RACK", 1, 40), integer("LEVEL_", 1, 8),
                  integer("POSITION", 1, 20), enumCol("LOCATIONTYPE", 5),
                  real("MAXVOLUME", 0, 20, 3).null(0.4), real("MAXWEIGHT", 0, 2000, 1).null(0.4),
                  words("CHECKTEXT", 30, kWarehouseWords, kSizes).null(0.9)},
                 Key::RecIdPk, nullptr, 0,
                 {"CREATE UNIQUE INDEX I_651LOCATIONIDX ON WMSLOCATION(INVENTLOCATIONID, WMSLOCATIONID, DATAAREAID)"}});

    // Tests shrink everything but INVENTTRANS; an empty table stays empty, others keep a row.
    for (TableSpec &spec : t)
        if (std::strcmp(spec.name, "INVENTTRANS") != 0 && spec.rows > 0)
            spec.rows = std::max<int64_t>(1, int64_t(std::ceil(double(spec.rows) * otherTablesScale)));
    return t;
}

// ---------------------------------------------------------------------------------------------
// Writing

// Rows are generated in blocks, each with its own random stream and RecId range, so any block
// can be written by any thread and the data is the same however the work is split.
constexpr int64_t kBlockRows = 65536;
constexpr int64_t kFirstRecId = 5637144576; // AX 2009's first RecId
constexpr int64_t kBlockRecIds = 3 * kBlockRows; // a row advances RECID by 1 to 3

uint64_t blockSeed(const char *table, int64_t block)
{
    uint64_t z = seedFor(table) + uint64_t(block) * 0xD1B54A32D192ED03ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

QByteArray createTableSql(const TableSpec &t)
{
    QByteArray sql = "CREATE TABLE " + QByteArray(t.name) + " (\n    RECID ";
    sql += t.key == Key::RecIdPk ? "INTEGER PRIMARY KEY" : "BIGINT NOT NULL";
    sql += ",\n    DATAAREAID VARCHAR(4) NOT NULL DEFAULT 'dat',\n    RECVERSION INTEGER NOT NULL DEFAULT 1";
    for (const Col &c : t.cols) {
        sql += ",\n    " + QByteArray(c.name) + ' ' + c.type;
        if (c.notNull)
            sql += " NOT NULL";
        if (c.defaultValue)
            sql += " DEFAULT " + QByteArray(c.defaultValue);
    }
    if (t.constraint)
        sql += ",\n    " + QByteArray(t.constraint);
    sql += "\n)";
    return sql;
}

QByteArray insertSql(const TableSpec &t)
{
    QByteArray sql = "INSERT INTO " + QByteArray(t.name) + " (RECID, DATAAREAID, RECVERSION";
    QByteArray values = "?, ?, ?";
    for (const Col &c : t.cols) {
        sql += ", " + QByteArray(c.name);
        values += ", ?";
    }
    return sql + ") VALUES (" + values + ')';
}

// One SQLite file being built: no journal, no syncs, one writer.
class Db {
public:
    explicit Db(QString path) : m_path(std::move(path)) {}
    ~Db() { (void)close(); }
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;

    Status open(int cacheKiB)
    {
        m_cacheKiB = cacheKiB;
        const QByteArray p = QFile::encodeName(m_path);
        if (sqlite3_open_v2(p.constData(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
            != SQLITE_OK)
            return failure(QStringLiteral("cannot create the database"));
        return exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; "
                    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-"
                    + QByteArray::number(cacheKiB));
    }

    Status exec(const QByteArray &sql)
    {
        char *msg = nullptr;
        if (sqlite3_exec(m_db, sql.constData(), nullptr, nullptr, &msg) != SQLITE_OK) {
            const QString m = QString::fromUtf8(msg ? msg : sqlite3_errmsg(m_db));
            sqlite3_free(msg);
            return makeError(QStringLiteral("\"%1\": %2").arg(m_path, m), QString::fromUtf8(sql));
        }
        return {};
    }

    Status createIndexes(const TableSpec &t)
    {
        // Secondary indexes go on after the rows: one sort instead of random-order inserts.
        // SQLite sizes its sorter runs by the cache size, and sorting a big run as one in-memory
        // list is cache-miss bound: small runs, merged afterwards, are faster.
        if (t.indexes.empty())
            return {};
        Status s = exec("PRAGMA cache_size=-4096");
        for (size_t i = 0; s && i < t.indexes.size(); ++i)
            s = exec(t.indexes[i]);
        if (s)
            s = exec("PRAGMA cache_size=-" + QByteArray::number(m_cacheKiB));
        return s;
    }

    Status insertRows(const TableSpec &t, int64_t from, int64_t to, const std::atomic<bool> &cancel);

    Status close()
    {
        if (m_db && sqlite3_close(m_db) != SQLITE_OK)
            return failure(QStringLiteral("cannot close the database"));
        m_db = nullptr;
        return {};
    }

private:
    TaskError failure(const QString &what, const QByteArray &sql = {}) const
    {
        return makeError(QStringLiteral("\"%1\": %2: %3")
                             .arg(m_path, what,
                                  m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("out of memory")),
                         QString::fromUtf8(sql));
    }

    QString m_path;
    sqlite3 *m_db = nullptr;
    int m_cacheKiB = 0;
};

TaskError cancelled() { return makeError(QStringLiteral("demo: cancelled")); }

// Rows [from, to) of `t`; `from` must start a block (0 or a multiple of kBlockRows).
Status Db::insertRows(const TableSpec &t, int64_t from, int64_t to, const std::atomic<bool> &cancel)
{
    Q_ASSERT(from % kBlockRows == 0);
    if (from >= to)
        return {};
    const QByteArray sql = insertSql(t);
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v3(m_db, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &st, nullptr)
        != SQLITE_OK)
        return failure(QStringLiteral("cannot prepare the insert into %1").arg(QLatin1String(t.name)), sql);
    struct Finalizer {
        sqlite3_stmt *st;
        ~Finalizer() { sqlite3_finalize(st); }
    } finalizer{st};

    static constexpr double kPow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    RowBuffer buf;
    const int ncols = int(t.cols.size());
    Rng rng(0);
    int64_t recId = 0;

    for (int64_t row = from; row < to; ++row) {
        if (row == from || row % kBlockRows == 0) {
            if (cancel.load(std::memory_order_relaxed))
                return cancelled();
            const int64_t block = row / kBlockRows;
            rng = Rng(blockSeed(t.name, block));
            recId = kFirstRecId + block * kBlockRecIds;
        }
        buf.reset();
        // The AX system columns.
        recId += 1 + ((rng.next() & 7) == 0 ? int64_t(rng.below(3)) : 0);
        sqlite3_bind_int64(st, 1, recId);
        const char *company = t.dataAreaBlock > 0
            ? kCompanies[size_t(row / t.dataAreaBlock) % kCompanies.size()]
            : kCompaniesWeighted[rng.below(kCompaniesWeighted.size())];
        sqlite3_bind_text(st, 2, company, -1, SQLITE_STATIC);
        // RECVERSION: 0 for about one row in eleven (rows not written since the column came, the
        // upgrade's fill_new_columns script sets them to 1), 1 mostly, else a random version.
        const uint64_t v = rng.next();
        sqlite3_bind_int64(st, 3, (v & 3) ? ((v >> 2) & 7 ? 1 : 0) : int64_t((v >> 33) & 0x7fffffff) + 1);

        for (int i = 0; i < ncols; ++i) {
            const Col &c = t.cols[size_t(i)];
            const int p = i + 4;
            if (c.nulls > 0 && rng.unit() < c.nulls) {
                sqlite3_bind_null(st, p);
                continue;
            }
            if (c.empties > 0 && rng.unit() < c.empties) {
                sqlite3_bind_text(st, p, "", 0, SQLITE_STATIC);
                continue;
            }
            char *m = buf.mark();
            switch (c.gen) {
            case Gen::Code:
                buf.put(c.prefix);
                buf.putUInt(uint64_t(c.lo + row * c.mul / c.div + 1), c.width);
                buf.put(c.suffix);
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            case Gen::Ref:
                buf.put(c.prefix);
                buf.putUInt(uint64_t(c.lo + rng.range(1, c.hi)), c.width);
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            case Gen::Int:
                sqlite3_bind_int64(st, p, rng.range(c.lo, c.hi));
                break;
            case Gen::Real:
                sqlite3_bind_double(st, p, double(rng.range(c.lo, c.hi)) / kPow10[c.decimals]);
                break;
            case Gen::Date:
                buf.putDate(rng.range(c.lo, c.hi));
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            case Gen::DateTime: {
                buf.putDate(rng.range(c.lo, c.hi));
                const unsigned secs = unsigned(rng.below(86400));
                buf.putChar(' ');
                buf.put2(secs / 3600);
                buf.putChar(':');
                buf.put2(secs / 60 % 60);
                buf.putChar(':');
                buf.put2(secs % 60);
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            }
            case Gen::Pick:
                sqlite3_bind_text(st, p, (*c.list)[rng.below(c.list->size())], -1, SQLITE_STATIC);
                break;
            case Gen::Cycle:
                sqlite3_bind_text(st, p, (*c.list)[size_t(row) % c.list->size()], -1, SQLITE_STATIC);
                break;
            case Gen::Words:
                buf.put((*c.list)[rng.below(c.list->size())]);
                buf.putChar(' ');
                buf.put((*c.list2)[rng.below(c.list2->size())]);
                if (c.hi > 0) {
                    buf.putChar(' ');
                    buf.putUInt(uint64_t(rng.range(c.lo, c.hi)), 0);
                }
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            case Gen::Blob:
                buf.putRandomBytes(rng, size_t(rng.range(c.lo, c.hi)));
                sqlite3_bind_blob(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            }
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            return failure(QStringLiteral("cannot insert row %1 into %2").arg(row + 1).arg(QLatin1String(t.name)),
                           sql);
        sqlite3_reset(st);
    }
    return {};
}

Status removeFile(const QString &path)
{
    if (QFileInfo::exists(path) || QFileInfo(path).isSymLink()) {
        QFile f(path);
        if (!f.remove())
            return makeError(QStringLiteral("\"%1\": cannot remove: %2").arg(path, f.errorString()));
    }
    return {};
}

// A database's companions: a stale hot journal or WAL next to a new file would be applied to it.
Status removeCompanions(const QString &path)
{
    for (const char *suffix : {"-wal", "-shm", "-journal"})
        if (auto s = removeFile(path + QLatin1String(suffix)); !s)
            return s;
    return {};
}

Status removeDatabase(const QString &path)
{
    if (auto s = removeCompanions(path); !s)
        return s;
    return removeFile(path);
}

QByteArray quoted(const QString &path)
{
    return '\'' + path.toUtf8().replace('\'', "''") + '\'';
}

// Rough CPU cost of work on a table, in "values written" units; used only to split the work
// between the two threads (a wrong guess costs time, never correctness).
double insertCost(const TableSpec &t, int64_t rows) { return double(rows) * double(t.cols.size() + 8); }
double indexCost(const TableSpec &t) { return double(t.rows) * 20.0 * double(t.indexes.size()); }
// Copying a finished table in: raw records and index entries, no encoding nor sorting.
double copyCost(const TableSpec &t, int64_t rows)
{
    return 0.3 * insertCost(t, rows) + double(rows) * 3.0 * double(t.indexes.size());
}

// The work of a thread besides its part of the big table.
Status buildTables(Db &db, const std::vector<const TableSpec *> &tables, const std::atomic<bool> &cancel)
{
    Status s;
    for (size_t i = 0; s && i < tables.size(); ++i) {
        s = db.exec(createTableSql(*tables[i]));
        if (s)
            s = db.insertRows(*tables[i], 0, tables[i]->rows, cancel);
        if (s)
            s = db.createIndexes(*tables[i]);
    }
    return s;
}

// The other thread's share, in two files of its own: the second part of the big table (rows
// only), then its small tables with their indexes. Each file is closed before it is announced.
void buildSideFiles(const TableSpec &big, int64_t splitRow, const std::vector<const TableSpec *> &tables,
                    const QString &bigPath, const QString &tablesPath, const std::atomic<bool> &cancel,
                    std::promise<Status> &bigDone, std::promise<Status> &tablesDone)
{
    Status s;
    if (splitRow < big.rows) {
        Db db(bigPath);
        s = db.open(64 * 1024);
        if (s)
            s = db.exec("BEGIN; " + createTableSql(big));
        if (s)
            s = db.insertRows(big, splitRow, big.rows, cancel);
        if (s)
            s = db.exec("COMMIT");
        if (s)
            s = db.close();
    }
    bigDone.set_value(s);
    if (s && cancel.load())
        s = cancelled();
    if (s && !tables.empty()) {
        Db db(tablesPath);
        s = db.open(64 * 1024);
        if (s)
            s = db.exec("BEGIN");
        if (s)
            s = buildTables(db, tables, cancel);
        if (s)
            s = db.exec("COMMIT");
        if (s)
            s = db.close();
    }
    tablesDone.set_value(s);
}

// Builds source.db under a temporary name with two threads. Each writes about half of
// INVENTTRANS; this thread then copies the other half in and builds INVENTTRANS's indexes.
// The small tables are shared out so both threads finish together: this thread builds its share
// in place, the other thread in a side file that is copied in at the end with SQLite's
// INSERT ... SELECT * transfer (raw records and index entries, no re-encoding nor re-sorting).
Status writeSource(const QString &finalPath, int64_t inventTransRows, double otherTablesScale)
{
    const QString tmpPath = finalPath + QStringLiteral(".partial");
    const QString bigPath = finalPath + QStringLiteral(".partial-1");
    const QString sidePath = finalPath + QStringLiteral(".partial-2");
    for (const QString &p : {tmpPath, bigPath, sidePath})
        if (auto s = removeDatabase(p); !s)
            return s;

    const std::vector<TableSpec> tables = demoTables(inventTransRows, otherTablesScale);
    const TableSpec *big = nullptr;
    std::vector<const TableSpec *> others;
    for (const TableSpec &t : tables) {
        if (std::strcmp(t.name, "INVENTTRANS") == 0)
            big = &t;
        else
            others.push_back(&t);
    }
    // Split the big table on a block boundary, so both halves are ready at the same time.
    const int64_t splitRow = big->rows < 2 * kBlockRows
        ? big->rows
        : std::max(kBlockRows, (big->rows / 2 + kBlockRows / 2) / kBlockRows * kBlockRows);

    // Share out the small tables, largest first, to the thread with less work so far.
    double mainLoad = insertCost(*big, splitRow) + copyCost(*big, big->rows - splitRow) + indexCost(*big);
    double sideLoad = insertCost(*big, big->rows - splitRow);
    std::vector<const TableSpec *> byCost = others;
    std::stable_sort(byCost.begin(), byCost.end(), [](const TableSpec *a, const TableSpec *b) {
        return insertCost(*a, a->rows) + indexCost(*a) > insertCost(*b, b->rows) + indexCost(*b);
    });
    std::vector<const TableSpec *> mine, theirs;
    for (const TableSpec *t : byCost) {
        const double cost = insertCost(*t, t->rows) + indexCost(*t);
        if (mainLoad <= sideLoad) {
            mine.push_back(t);
            mainLoad += cost;
        } else {
            theirs.push_back(t);
            sideLoad += cost;
            mainLoad += copyCost(*t, t->rows);
        }
    }
    // Keep each thread's tables in name order (the order they appear in the schema).
    auto byName = [](const TableSpec *a, const TableSpec *b) { return std::strcmp(a->name, b->name) < 0; };
    std::sort(mine.begin(), mine.end(), byName);
    std::sort(theirs.begin(), theirs.end(), byName);

    std::atomic<bool> cancel{false};
    std::promise<Status> bigDone, sideDone;
    std::future<Status> bigReady = bigDone.get_future(), sideReady = sideDone.get_future();
    std::thread side(buildSideFiles, std::cref(*big), splitRow, std::cref(theirs), std::cref(bigPath),
                     std::cref(sidePath), std::cref(cancel), std::ref(bigDone), std::ref(sideDone));

    Status s;
    {
        Db db(tmpPath);
        s = db.open(64 * 1024);
        if (s)
            s = db.exec("BEGIN; " + createTableSql(*big));
        if (s)
            s = db.insertRows(*big, 0, splitRow, cancel);
        if (s)
            s = buildTables(db, mine, cancel);
        if (s)
            s = db.exec("COMMIT");
        if (s)
            s = bigReady.get();
        // ATTACH is not allowed inside a transaction: one transaction per copied file.
        if (s && splitRow < big->rows)
            s = db.exec("ATTACH " + quoted(bigPath) + " AS part; BEGIN; INSERT INTO INVENTTRANS SELECT * FROM "
                        "part.INVENTTRANS; COMMIT; DETACH part");
        if (s)
            s = db.exec("BEGIN");
        if (s)
            s = db.createIndexes(*big);
        if (s)
            s = db.exec("COMMIT");
        if (s)
            s = sideReady.get();
        if (s && !theirs.empty())
            s = db.exec("ATTACH " + quoted(sidePath) + " AS part; BEGIN");
        for (size_t i = 0; s && i < theirs.size(); ++i) {
            // Same table and indexes, still empty: the copy moves records and index entries as-is.
            s = db.exec(createTableSql(*theirs[i]));
            if (s)
                s = db.createIndexes(*theirs[i]);
            if (s)
                s = db.exec("INSERT INTO " + QByteArray(theirs[i]->name) + " SELECT * FROM part."
                            + QByteArray(theirs[i]->name));
        }
        if (s && !theirs.empty())
            s = db.exec("COMMIT; DETACH part");
        if (s)
            s = db.exec("PRAGMA journal_mode=DELETE");
        if (s)
            s = db.close();
        if (!s)
            cancel = true;
    }
    side.join();
    (void)removeDatabase(bigPath);
    (void)removeDatabase(sidePath);
    if (!s) {
        (void)removeDatabase(tmpPath);
        return s;
    }
    if (auto r = removeCompanions(finalPath); !r) {
        (void)removeDatabase(tmpPath);
        return r;
    }
    // rename(2) replaces an existing source.db atomically; QFile::rename refuses to.
    if (std::rename(QFile::encodeName(tmpPath).constData(), QFile::encodeName(finalPath).constData()) != 0) {
        const QString reason = QString::fromLocal8Bit(std::strerror(errno));
        (void)removeDatabase(tmpPath);
        return makeError(QStringLiteral("\"%1\": cannot rename into place: %2").arg(finalPath, reason));
    }
    return {};
}

// The upgrade scripts, from the resources (resources/demo-scripts/): every run writes them
// afresh, so an edited copy never outlives a new demo.
Status writeScripts(const QString &dir)
{
    if (!QDir().mkpath(dir))
        return makeError(QStringLiteral("\"%1\": cannot create the scripts folder").arg(dir));
    const QDir from(QStringLiteral(":/demo-scripts"));
    const QStringList names = from.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    if (names.isEmpty())
        return makeError(QStringLiteral("demo: the scripts are missing from the program's resources"));
    for (const QString &name : names) {
        QFile in(from.filePath(name));
        QSaveFile out(QDir(dir).filePath(name));
        if (!in.open(QIODevice::ReadOnly))
            return makeError(QStringLiteral("\"%1\": cannot read: %2").arg(in.fileName(), in.errorString()));
        if (!out.open(QIODevice::WriteOnly) || out.write(in.readAll()) < 0 || !out.commit())
            return makeError(QStringLiteral("\"%1\": cannot write: %2").arg(out.fileName(), out.errorString()));
    }
    return {};
}

} // namespace

Result<Plan> writeDemo(const DemoOptions &options)
{
    if (options.dir.trimmed().isEmpty())
        return makeError(QStringLiteral("demo: no output folder given"));
    if (!(options.otherTablesScale > 0 && options.otherTablesScale <= 1))
        return makeError(QStringLiteral("demo: otherTablesScale must be in (0, 1] (got %1)")
                             .arg(options.otherTablesScale));
    if (options.inventTransRows < 0)
        return makeError(QStringLiteral("demo: inventTransRows must not be negative (got %1)")
                             .arg(options.inventTransRows));
    const QString dir = QDir::cleanPath(QDir(options.dir).absolutePath());
    if (!QDir().mkpath(dir))
        return makeError(QStringLiteral("\"%1\": cannot create the demo folder").arg(dir));
    const QDir d(dir);

    // The URL first: a bad one is reported before the seconds spent writing the source.
    auto target = ConnectionUrl::parse(options.target.isEmpty() ? QStringLiteral("sqlite:target.db")
                                                                 : options.target, dir);
    if (!target)
        return makeError(QStringLiteral("demo: target: ") + target.error().message);

    if (auto s = writeSource(d.filePath(QStringLiteral("source.db")), options.inventTransRows,
                                  options.otherTablesScale); !s)
        return s.error();
    for (const QString &name : {QStringLiteral("target.db"), QStringLiteral("state.db")})
        if (auto s = removeDatabase(d.filePath(name)); !s)
            return s.error();
    if (auto s = writeScripts(d.filePath(QStringLiteral("scripts"))); !s)
        return s.error();

    Plan plan;
    plan.filePath = d.filePath(QStringLiteral("plan.json"));
    plan.name = QStringLiteral("AX 2009 demo");
    auto source = ConnectionUrl::parse(QStringLiteral("sqlite:source.db"), dir);
    if (!source)
        return source.error();
    plan.source = *source;
    plan.target = *target;
    plan.statePath = d.filePath(QStringLiteral("state.db"));
    plan.scriptsDir = d.filePath(QStringLiteral("scripts"));
    plan.ifTargetExists = IfTargetExists::Replace;
    plan.groups = {BatchGroup{QStringLiteral("copy"), 2, {QStringLiteral("prepare:*"), QStringLiteral("copy:*")}},
                   BatchGroup{QStringLiteral("post"), 2, {QStringLiteral("*")}}};
    TableOptions inventTrans;
    inventTrans.chunkRows = 250000;
    plan.tableOptions.insert(QStringLiteral("INVENTTRANS"), inventTrans);

    QSaveFile f(plan.filePath);
    if (!f.open(QIODevice::WriteOnly) || f.write(plan.toJson()) < 0 || !f.commit())
        return makeError(QStringLiteral("\"%1\": cannot write: %2").arg(plan.filePath, f.errorString()));
    return loadPlan(plan.filePath);
}

} // namespace cockpit
