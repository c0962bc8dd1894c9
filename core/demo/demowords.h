#pragma once
// The word lists the demo's columns pick from (demotables.cpp) and the companies a row's
// DATAAREAID is drawn from (demorows.cpp).

#include "demo/demospec.h"

namespace cockpit::demointernal {

// Companies, weighted: most rows belong to "ceu".
inline const List kCompaniesWeighted{"ceu", "ceu", "ceu", "ceu", "ceu", "dat", "dat", "dat", "dmo", "usmf"};
inline const List kCompanies{"ceu", "dat", "dmo", "usmf"};
inline const List kCurrencies{"EUR", "USD", "GBP", "PLN", "DKK", "JPY", "CHF", "SEK", "NOK", "CZK", "HUF", "CNY"};
inline const List kCurrencyNames{"Euro",         "US-Dollar",    "Pfund Sterling", "Złoty polski",
                                 "Dansk krone",  "日本円",        "Schweizer Franken", "Svensk krona",
                                 "Norsk krone",  "Koruna česká", "Magyar forint",  "人民币"};
inline const List kCurrencySymbols{"€", "$", "£", "zł", "kr.", "¥", "Fr.", "kr", "kr", "Kč", "Ft", "元"};
inline const List kCurrenciesWeighted{"EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "USD", "USD", "GBP",
                                      "PLN", "DKK", "JPY", "CHF", "SEK", "CZK"};
inline const List kNames{"Müller",   "Schäfer",  "Øresund",   "Łukasiewicz", "Nordic",    "Contoso",
                         "Fabrikam", "Adventure", "Litware",  "Proseware",   "Wingtip",   "Tailspin",
                         "Northwind", "Żabka",   "Kowalski",  "Håkansson",   "Jönsson",   "Dvořák",
                         "Novák",    "Gómez",    "Ibáñez",    "François",    "Lefèvre",   "山田",
                         "佐藤",      "Ærø",      "Smith",     "Johnson",     "O'Brien",   "Weiß"};
inline const List kCompanySuffixes{"GmbH", "AG",    "A/S",      "AB",     "Sp. z o.o.", "s.r.o.", "S.A.",
                                   "SARL", "Ltd.",  "Inc.",     "& Co. KG", "株式会社",  "Oy",     "B.V.",
                                   "LLC",  "GmbH & Co. KG"};
inline const List kFirstNames{"Jürgen", "Łukasz", "Søren", "Åsa",  "François", "José",  "Zoë",  "Małgorzata",
                              "Björn",  "Anna",   "Peter", "Maria", "John",    "Yuki",  "健太",  "Dagný"};
inline const List kCities{"Berlin",  "München",  "Hamburg", "Łódź",     "Kraków",   "東京",     "大阪",
                          "Ærø",     "København", "Århus",  "Zürich",   "Göteborg", "Málaga",   "São Paulo",
                          "Reykjavík", "Praha",  "Brno",    "Wien",     "Köln",     "Düsseldorf", "Gdańsk",
                          "Poznań",  "Malmö",    "Tromsø",  "Besançon", "Chicago",  "Seattle",  "London",
                          "Dublin",  "Rotterdam"};
inline const List kCountries{"DE", "DE", "DE", "PL", "DK", "JP", "CH", "SE", "NO", "CZ", "US", "GB", "FR", "ES", "AT", "NL"};
inline const List kStreets{"Hauptstraße", "Królewska", "Strøget",        "Bahnhofstr.", "Main Street",
                           "Rue de la Paix", "Gran Vía", "銀座通り",      "Storgatan",   "Václavské nám.",
                           "Kärntner Straße", "Damrak",  "Piotrkowska",  "Åboulevarden", "Industriestraße"};
inline const List kItemNouns{"Schraube", "Bolt",   "Mutter",  "Washer", "Pallet",  "Kabel",   "Lampe",
                             "Stuhl",    "Tisch",  "Regal",   "Motor",  "Pumpe",   "Ventil",  "Filter",
                             "Sensor",   "Gehäuse", "Łożysko", "Rør",   "Skrue",   "歯車",     "Kugellager"};
inline const List kItemQualifiers{"M8",       "M10",     "verzinkt", "stainless", "1200x800", "rot",
                                  "blau",     "grøn",    "schwarz",  "DIN 933",   "Typ A",    "Typ B",
                                  "XL",       "mini",    "230V",     "ø 40 mm",   "½\" Zoll", "10 m",
                                  "Größe 3",  "für Außen"};
inline const List kTxtVerbs{"Lieferung", "Rechnung", "Gutschrift", "Umbuchung", "Korrektur", "Inventur",
                            "Faktura",   "Kreditnota", "Zahlung",  "Payment",   "Invoice",   "Transfer",
                            "Przesunięcie", "Lagerumbuchung", "棚卸",  "Retoure"};
inline const List kTxtObjects{"Q1",      "Q2",   "Q3",     "Q4",     "Jänner", "März",  "Mai",   "Juli",
                              "Oktober", "Dezember", "Ærø", "Łódź",  "Zürich", "東京",   "Berlin", "intern",
                              "Kunde 4711", "lt. Beleg"};
inline const List kUnits{"pcs", "pcs", "pcs", "kg", "m", "l", "box", "pal", "Stk", "t", "m²", "m³"};
inline const List kLanguages{"de", "de", "en-us", "pl", "da", "ja", "sv", "cs", "fr"};
inline const List kSizes{"XS", "S", "M", "L", "XL", "XXL", "36", "38", "40", "42"};
inline const List kColors{"Rot", "Blau", "Grün", "Schwarz", "Weiß", "Grå", "Żółty", "白"};
inline const List kConfigs{"STD", "PRO", "ECO", "HD", "EXPORT"};
inline const List kTaxGroups{"DOM", "EU", "EXPORT", "REDUCED", "NONE"};
inline const List kModelGroups{"FIFO", "LIFO", "STD", "AVG", "WAVG"};
inline const List kLedgerNouns{"Kasse", "Bank", "Forderungen", "Verbindlichkeiten", "Umsatzerlöse",
                               "Wareneinsatz", "Löhne", "Miete", "Abschreibungen", "Vorsteuer",
                               "Umsatzsteuer", "Rückstellungen", "Kursdifferenzen", "Zinsen", "Porto"};
inline const List kLedgerQualifiers{"Inland", "EU", "Drittland", "Ausland", "19 %", "7 %", "0 %",
                                    "Zentrale", "Filiale Łódź", "Werk Ærø", "東京支店"};
inline const List kProjNouns{"Einführung", "Rollout", "Umbau", "Wartung", "Migration", "Audit",
                             "Schulung", "Erweiterung", "Inbetriebnahme"};
inline const List kDeptNames{"Vertrieb", "Einkauf", "Lager", "Produktion", "Verwaltung", "IT",
                             "Service", "Logistik", "Qualität", "Forschung"};
inline const List kWarehouseWords{"Zentrallager", "Außenlager", "Magazyn", "Lager", "倉庫", "Warehouse"};
inline const List kDocNames{"Lieferschein", "Rechnung", "Zeichnung", "Prüfbericht", "Foto", "Vertrag",
                            "Datenblatt", "Zertifikat"};
inline const List kFileTypes{"pdf", "pdf", "docx", "xlsx", "png", "txt", "msg", "jpg"};
inline const List kJournalNames{"GenJrn", "Zahl", "Abschr", "Umb", "FX", "Lohn"};
inline const List kPaymentWords{"Netto", "Sofort", "Skonto", "Vorkasse", "Lastschrift", "Przelew"};
inline const List kNumberFormats{"SO-######", "PO-######", "#####_001", "JN######", "INV-####", "ŁD-####"};
inline const List kCompanyNames{"Contoso Europe GmbH", "Müller & Søn A/S", "Demo Łódź Sp. z o.o.",
                                "東京ロジスティクス株式会社"};
inline const List kCompanyStreets{"Hauptstraße 1", "Strøget 12", "Piotrkowska 104", "銀座 4-2-1"};
inline const List kCompanyCities{"Berlin", "København", "Łódź", "東京"};
inline const List kCompanyCountries{"DE", "DK", "PL", "JP"};
inline const List kCompanyCurrencies{"EUR", "DKK", "PLN", "JPY"};

} // namespace cockpit::demointernal
