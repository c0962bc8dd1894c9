// The demo's AX-2009-like tables (demospec.h): columns, keys, constraints and indexes.
#include "demo/demospec.h"
#include "demo/demowords.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cockpit::demointernal {

namespace {

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

} // namespace

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

} // namespace cockpit::demointernal
