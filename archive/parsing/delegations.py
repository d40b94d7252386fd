"""The table of delegations that speak in the Security Council, and its resolver.

Pure Python (no Django import).  One :class:`DelegationInfo` per delegation:
the 193 Member States under the short names the UN prints in its records, the
two observer States, States that no longer exist but appear in 1990s–2020s
records, the United Nations Secretariat, and the organisations, groups and
bodies (including NGOs) that address the Council or appear in the research
corpus.  The Security Council's own subsidiary bodies are not delegations and
are not listed.

:func:`resolve_delegation` turns a name as printed in a speaker label
("Mr. Sadykov (Kazakhstan)" → "Kazakhstan") or as hand-entered in a corpus into
one entry.  It matches only exact names after normalisation (case, accents,
quote style, whitespace and line breaks, a leading "the", one pair of wrapping
parentheses): the canonical ``name``, the ``short`` display name, an upper-case
ISO 3166-1 alpha-3 code, or a variant listed in the reviewed :data:`ALIASES`
table.  Nothing else is guessed.

See docs/delegations.md for sources and for how to add an alias.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "ALIASES",
    "NOT_DELEGATIONS",
    "DelegationInfo",
    "all_delegations",
    "delegation_by_key",
    "normalise_name",
    "SUCCESSORS",
    "predecessors",
    "resolve_delegation",
    "resolve_delegation_on",
    "resolve_misread_delegation",
]


@dataclass(frozen=True)
class DelegationInfo:
    key: str  # stable URL slug: ISO alpha-3 lower-case for States, a slug otherwise
    name: str  # the UN's own short name as printed in records
    kind: str  # "state" | "observer_state" | "organisation" | "secretariat"
    iso2: str | None
    iso3: str | None
    short: str  # short display name
    permanent_member: bool

    @property
    def is_state(self) -> bool:
        return self.kind in STATE_KINDS


KINDS: frozenset[str] = frozenset({"state", "observer_state", "organisation", "secretariat"})
STATE_KINDS = ("state", "observer_state")  # the kinds that are States (Member or observer)

# ---------------------------------------------------------------------------
# Member States of the United Nations (193).
# ISO alpha-2 | ISO alpha-3 | UN short name (as in the UN's list of Member
# States / M49 / UNTERM) | short display name ("" = same as the name).
# Apostrophes are straight here; matching normalises curly quotes.
# ---------------------------------------------------------------------------
_MEMBER_STATES = """
AF|AFG|Afghanistan|
AL|ALB|Albania|
DZ|DZA|Algeria|
AD|AND|Andorra|
AO|AGO|Angola|
AG|ATG|Antigua and Barbuda|
AR|ARG|Argentina|
AM|ARM|Armenia|
AU|AUS|Australia|
AT|AUT|Austria|
AZ|AZE|Azerbaijan|
BS|BHS|Bahamas|
BH|BHR|Bahrain|
BD|BGD|Bangladesh|
BB|BRB|Barbados|
BY|BLR|Belarus|
BE|BEL|Belgium|
BZ|BLZ|Belize|
BJ|BEN|Benin|
BT|BTN|Bhutan|
BO|BOL|Bolivia (Plurinational State of)|Bolivia
BA|BIH|Bosnia and Herzegovina|
BW|BWA|Botswana|
BR|BRA|Brazil|
BN|BRN|Brunei Darussalam|Brunei
BG|BGR|Bulgaria|
BF|BFA|Burkina Faso|
BI|BDI|Burundi|
CV|CPV|Cabo Verde|
KH|KHM|Cambodia|
CM|CMR|Cameroon|
CA|CAN|Canada|
CF|CAF|Central African Republic|
TD|TCD|Chad|
CL|CHL|Chile|
CN|CHN|China|
CO|COL|Colombia|
KM|COM|Comoros|
CG|COG|Congo|
CR|CRI|Costa Rica|
CI|CIV|Côte d'Ivoire|
HR|HRV|Croatia|
CU|CUB|Cuba|
CY|CYP|Cyprus|
CZ|CZE|Czechia|
KP|PRK|Democratic People's Republic of Korea|DPR Korea
CD|COD|Democratic Republic of the Congo|DR Congo
DK|DNK|Denmark|
DJ|DJI|Djibouti|
DM|DMA|Dominica|
DO|DOM|Dominican Republic|
EC|ECU|Ecuador|
EG|EGY|Egypt|
SV|SLV|El Salvador|
GQ|GNQ|Equatorial Guinea|
ER|ERI|Eritrea|
EE|EST|Estonia|
SZ|SWZ|Eswatini|
ET|ETH|Ethiopia|
FJ|FJI|Fiji|
FI|FIN|Finland|
FR|FRA|France|
GA|GAB|Gabon|
GM|GMB|Gambia|
GE|GEO|Georgia|
DE|DEU|Germany|
GH|GHA|Ghana|
GR|GRC|Greece|
GD|GRD|Grenada|
GT|GTM|Guatemala|
GN|GIN|Guinea|
GW|GNB|Guinea-Bissau|
GY|GUY|Guyana|
HT|HTI|Haiti|
HN|HND|Honduras|
HU|HUN|Hungary|
IS|ISL|Iceland|
IN|IND|India|
ID|IDN|Indonesia|
IR|IRN|Iran (Islamic Republic of)|Iran
IQ|IRQ|Iraq|
IE|IRL|Ireland|
IL|ISR|Israel|
IT|ITA|Italy|
JM|JAM|Jamaica|
JP|JPN|Japan|
JO|JOR|Jordan|
KZ|KAZ|Kazakhstan|
KE|KEN|Kenya|
KI|KIR|Kiribati|
KW|KWT|Kuwait|
KG|KGZ|Kyrgyzstan|
LA|LAO|Lao People's Democratic Republic|Laos
LV|LVA|Latvia|
LB|LBN|Lebanon|
LS|LSO|Lesotho|
LR|LBR|Liberia|
LY|LBY|Libya|
LI|LIE|Liechtenstein|
LT|LTU|Lithuania|
LU|LUX|Luxembourg|
MG|MDG|Madagascar|
MW|MWI|Malawi|
MY|MYS|Malaysia|
MV|MDV|Maldives|
ML|MLI|Mali|
MT|MLT|Malta|
MH|MHL|Marshall Islands|
MR|MRT|Mauritania|
MU|MUS|Mauritius|
MX|MEX|Mexico|
FM|FSM|Micronesia (Federated States of)|Micronesia
MC|MCO|Monaco|
MN|MNG|Mongolia|
ME|MNE|Montenegro|
MA|MAR|Morocco|
MZ|MOZ|Mozambique|
MM|MMR|Myanmar|
NA|NAM|Namibia|
NR|NRU|Nauru|
NP|NPL|Nepal|
NL|NLD|Netherlands|
NZ|NZL|New Zealand|
NI|NIC|Nicaragua|
NE|NER|Niger|
NG|NGA|Nigeria|
MK|MKD|North Macedonia|
NO|NOR|Norway|
OM|OMN|Oman|
PK|PAK|Pakistan|
PW|PLW|Palau|
PA|PAN|Panama|
PG|PNG|Papua New Guinea|
PY|PRY|Paraguay|
PE|PER|Peru|
PH|PHL|Philippines|
PL|POL|Poland|
PT|PRT|Portugal|
QA|QAT|Qatar|
KR|KOR|Republic of Korea|
MD|MDA|Republic of Moldova|Moldova
RO|ROU|Romania|
RU|RUS|Russian Federation|Russia
RW|RWA|Rwanda|
KN|KNA|Saint Kitts and Nevis|
LC|LCA|Saint Lucia|
VC|VCT|Saint Vincent and the Grenadines|
WS|WSM|Samoa|
SM|SMR|San Marino|
ST|STP|Sao Tome and Principe|
SA|SAU|Saudi Arabia|
SN|SEN|Senegal|
RS|SRB|Serbia|
SC|SYC|Seychelles|
SL|SLE|Sierra Leone|
SG|SGP|Singapore|
SK|SVK|Slovakia|
SI|SVN|Slovenia|
SB|SLB|Solomon Islands|
SO|SOM|Somalia|
ZA|ZAF|South Africa|
SS|SSD|South Sudan|
ES|ESP|Spain|
LK|LKA|Sri Lanka|
SD|SDN|Sudan|
SR|SUR|Suriname|
SE|SWE|Sweden|
CH|CHE|Switzerland|
SY|SYR|Syrian Arab Republic|Syria
TJ|TJK|Tajikistan|
TH|THA|Thailand|
TL|TLS|Timor-Leste|
TG|TGO|Togo|
TO|TON|Tonga|
TT|TTO|Trinidad and Tobago|
TN|TUN|Tunisia|
TR|TUR|Türkiye|
TM|TKM|Turkmenistan|
TV|TUV|Tuvalu|
UG|UGA|Uganda|
UA|UKR|Ukraine|
AE|ARE|United Arab Emirates|
GB|GBR|United Kingdom of Great Britain and Northern Ireland|United Kingdom
TZ|TZA|United Republic of Tanzania|Tanzania
US|USA|United States of America|United States
UY|URY|Uruguay|
UZ|UZB|Uzbekistan|
VU|VUT|Vanuatu|
VE|VEN|Venezuela (Bolivarian Republic of)|Venezuela
VN|VNM|Viet Nam|
YE|YEM|Yemen|
ZM|ZMB|Zambia|
ZW|ZWE|Zimbabwe|
"""

# Non-member observer States (the Holy See since 1964; the State of Palestine
# since General Assembly resolution 67/19 of 2012).
_OBSERVER_STATES = """
VA|VAT|Holy See|
PS|PSE|State of Palestine|Palestine
"""

# States that no longer exist, under the historical ISO 3166-1 codes they had
# (ISO 3166-3).  "Zaire" is kept apart from the Democratic Republic of the
# Congo because its code changed (ZAR → COD) with the 1997 renaming.
_FORMER_STATES = """
YU|YUG|Yugoslavia|
CS|SCG|Serbia and Montenegro|
ZR|ZAR|Zaire|
CS|CSK|Czechoslovakia|
SU|SUN|Union of Soviet Socialist Republics|USSR
DD|DDR|German Democratic Republic|
"""

# The Republic of China held China's seat in the United Nations until General Assembly
# resolution 2758 (XXVI) of 25 October 1971; records until then print it as "China". It has its
# own entry so that its statements are not filed under the People's Republic of China.
_CHINA_SEAT_UNTIL = dt.date(1971, 10, 25)

# Who continued or succeeded a State that no longer exists (shown on its page; never merged):
# the Russian Federation continued the USSR's membership (24 December 1991); Germany united with
# the German Democratic Republic (3 October 1990); Zaire was renamed the Democratic Republic of
# the Congo (1997); Czechoslovakia split into the Czech Republic and Slovakia (1993); the Federal
# Republic of Yugoslavia became Serbia and Montenegro (2003), then Serbia (2006); China's seat
# passed from the Republic of China to the People's Republic of China (25 October 1971).
SUCCESSORS: Mapping[str, tuple[tuple[str, dt.date], ...]] = MappingProxyType(
    {
        "sun": (("rus", dt.date(1991, 12, 24)),),
        "ddr": (("deu", dt.date(1990, 10, 3)),),
        "zar": (("cod", dt.date(1997, 5, 17)),),
        "csk": (("cze", dt.date(1993, 1, 1)), ("svk", dt.date(1993, 1, 1))),
        "yug": (("scg", dt.date(2003, 2, 4)),),
        "scg": (("srb", dt.date(2006, 6, 3)),),
        "republic-of-china": (("chn", _CHINA_SEAT_UNTIL),),
    }
)

# Entries with kind "state" that are neither UN Members nor observers and have
# no ISO 3166-1 code.  The kind is the nearest of the four for grouping in the
# archive; it is not a statement on status.  Kosovo is named as the UN names
# it (with reference to resolution 1244 (1999)).
_OTHER_STATES: tuple[tuple[str, str, str], ...] = (
    ("kosovo", "Kosovo", "Kosovo"),
    ("republic-of-china", "Republic of China", "China (Republic of China)"),
)

_PERMANENT_MEMBERS: frozenset[str] = frozenset({"chn", "fra", "rus", "gbr", "usa"})

# ---------------------------------------------------------------------------
# Organisations, groups and other bodies: key, name, short, kind.
# ---------------------------------------------------------------------------
_ORGANISATIONS: tuple[tuple[str, str, str, str], ...] = (
    # The Secretariat (the Secretary-General, Under-Secretaries-General,
    # Special Representatives and other UN officials briefing the Council).
    ("united-nations", "United Nations", "United Nations", "secretariat"),
    # Regional and intergovernmental organisations.
    ("european-union", "European Union", "EU", "organisation"),
    ("african-union", "African Union", "AU", "organisation"),
    ("league-of-arab-states", "League of Arab States", "Arab League", "organisation"),
    ("oic", "Organization of Islamic Cooperation", "OIC", "organisation"),
    ("nato", "North Atlantic Treaty Organization", "NATO", "organisation"),
    ("osce", "Organization for Security and Co-operation in Europe", "OSCE", "organisation"),
    ("council-of-europe", "Council of Europe", "Council of Europe", "organisation"),
    ("asean", "Association of Southeast Asian Nations", "ASEAN", "organisation"),
    ("oas", "Organization of American States", "OAS", "organisation"),
    ("ecowas", "Economic Community of West African States", "ECOWAS", "organisation"),
    ("eccas", "Economic Community of Central African States", "ECCAS", "organisation"),
    ("igad", "Intergovernmental Authority on Development", "IGAD", "organisation"),
    ("sadc", "Southern African Development Community", "SADC", "organisation"),
    ("caricom", "Caribbean Community", "CARICOM", "organisation"),
    ("gcc", "Cooperation Council for the Arab States of the Gulf", "GCC", "organisation"),
    ("cis", "Commonwealth of Independent States", "CIS", "organisation"),
    ("csto", "Collective Security Treaty Organization", "CSTO", "organisation"),
    ("sco", "Shanghai Cooperation Organization", "SCO", "organisation"),
    ("celac", "Community of Latin American and Caribbean States", "CELAC", "organisation"),
    ("ipu", "Inter-Parliamentary Union", "IPU", "organisation"),
    # Courts and treaty organisations.
    ("icc", "International Criminal Court", "ICC", "organisation"),
    ("icj", "International Court of Justice", "ICJ", "organisation"),
    ("iaea", "International Atomic Energy Agency", "IAEA", "organisation"),
    ("opcw", "Organisation for the Prohibition of Chemical Weapons", "OPCW", "organisation"),
    # Red Cross and Red Crescent movement.
    ("icrc", "International Committee of the Red Cross", "ICRC", "organisation"),
    ("ifrc", "International Federation of Red Cross and Red Crescent Societies", "IFRC", "organisation"),
    # Financial institutions, agencies, funds and programmes.
    ("world-bank", "World Bank", "World Bank", "organisation"),
    ("imf", "International Monetary Fund", "IMF", "organisation"),
    ("iom", "International Organization for Migration", "IOM", "organisation"),
    ("unicef", "United Nations Children's Fund", "UNICEF", "organisation"),
    ("unhcr", "Office of the United Nations High Commissioner for Refugees", "UNHCR", "organisation"),
    ("who", "World Health Organization", "WHO", "organisation"),
    ("wfp", "World Food Programme", "WFP", "organisation"),
    ("fao", "Food and Agriculture Organization of the United Nations", "FAO", "organisation"),
    ("undp", "United Nations Development Programme", "UNDP", "organisation"),
    ("unfpa", "United Nations Population Fund", "UNFPA", "organisation"),
    ("unesco", "United Nations Educational, Scientific and Cultural Organization", "UNESCO", "organisation"),
    ("un-women", "United Nations Entity for Gender Equality and the Empowerment of Women", "UN-Women", "organisation"),
    # Intergovernmental bodies other than the Council's own subsidiary bodies.
    ("peacebuilding-commission", "Peacebuilding Commission", "PBC", "organisation"),
    (
        "ceirpp",
        "Committee on the Exercise of the Inalienable Rights of the Palestinian People",
        "Committee on Palestinian Rights",
        "organisation",
    ),
    # Groups of States speaking jointly.
    ("non-aligned-movement", "Movement of Non-Aligned Countries", "Non-Aligned Movement", "organisation"),
    ("group-of-77", "Group of 77 and China", "G77", "organisation"),
    ("arab-group", "Group of Arab States", "Arab Group", "organisation"),
    ("nordic-countries", "Nordic countries", "Nordic countries", "organisation"),
    (
        "group-of-friends-caac",
        "Group of Friends of Children and Armed Conflict",
        "Group of Friends of CAAC",
        "organisation",
    ),
    # National bodies, NGOs and institutions whose representatives briefed the
    # Council (from the unsc-2020 corpus's `country` column).
    ("aihrc", "Afghanistan Independent Human Rights Commission", "AIHRC", "organisation"),
    ("arab-human-rights-foundation", "Arab Human Rights Foundation", "Arab Human Rights Foundation", "organisation"),
    ("columbia-university", "Columbia University", "Columbia University", "organisation"),
    (
        "colombia-truth-commission",
        "Commission for the Clarification of Truth, Coexistence and Non-Repetition",
        "Colombian Truth Commission",
        "organisation",
    ),
    ("cepo", "Community Empowerment for Progress Organization", "CEPO", "organisation"),
    (
        "foundation-for-human-rights",
        "Foundation for Human Rights in South Africa",
        "Foundation for Human Rights",
        "organisation",
    ),
    ("haitian-bars-federation", "Haitian Bars Federation", "Haitian Bars Federation", "organisation"),
    ("medecins-du-monde", "Médecins du Monde", "Médecins du Monde", "organisation"),
    (
        "municipal-association-of-women",
        "Municipal Association of Women",
        "Municipal Association of Women",
        "organisation",
    ),
    ("norwegian-refugee-council", "Norwegian Refugee Council", "NRC", "organisation"),
    ("physicians-for-human-rights", "Physicians for Human Rights", "PHR", "organisation"),
    ("save-act-mine", "Save Act Mine", "Save Act Mine", "organisation"),
    ("sipri", "Stockholm International Peace Research Institute", "SIPRI", "organisation"),
    ("watchlist-caac", "Watchlist on Children and Armed Conflict", "Watchlist", "organisation"),
    (
        "womens-monthly-forum-south-sudan",
        "Women's Monthly Forum on Peace and Political Processes in South Sudan",
        "Women's Monthly Forum",
        "organisation",
    ),
    ("wwf", "World Wildlife Fund", "WWF", "organisation"),
    ("yihr", "Youth Initiative for Human Rights", "YIHR", "organisation"),
)

# ---------------------------------------------------------------------------
# Reviewed aliases, grouped by key.  Written as they are spelt; ALIASES holds
# them normalised.  Every entry here was checked by hand: formal names (from
# ISO 3166-1 / the States' own usage), the inverted forms the Council's
# records print ("Islamic Republic of Iran"), former names, common English
# names, abbreviations, and typos seen in the unsc-2020 corpus (marked).
# ---------------------------------------------------------------------------
_ALIAS_SOURCE: dict[str, tuple[str, ...]] = {
    # --- States: formal names, inverted UN forms, former and common names.
    "afg": ("Islamic Republic of Afghanistan",),
    "ago": ("Republic of Angola",),
    "alb": ("Republic of Albania",),
    "dza": ("People's Democratic Republic of Algeria",),
    "and": ("Principality of Andorra",),
    "arg": ("Argentine Republic",),
    "arm": ("Republic of Armenia",),
    "aut": ("Republic of Austria",),
    "aze": ("Republic of Azerbaijan",),
    "bhs": ("Commonwealth of the Bahamas",),
    "bhr": ("Kingdom of Bahrain",),
    "bgd": ("People's Republic of Bangladesh",),
    "blr": ("Republic of Belarus", "Byelorussian Soviet Socialist Republic"),
    "bel": ("Kingdom of Belgium",),
    "ben": ("Republic of Benin",),
    "btn": ("Kingdom of Bhutan",),
    "bol": ("Plurinational State of Bolivia", "Bolivia, Plurinational State of"),
    "bwa": ("Republic of Botswana",),
    "bra": ("Federative Republic of Brazil",),
    "bgr": ("Republic of Bulgaria",),
    "bdi": ("Republic of Burundi",),
    "cpv": ("Cape Verde", "Republic of Cabo Verde"),
    "khm": ("Kingdom of Cambodia",),
    "cmr": ("Republic of Cameroon",),
    "chl": ("Republic of Chile",),
    "chn": ("People's Republic of China",),
    "col": ("Republic of Colombia",),
    "com": ("Union of the Comoros",),
    "cog": ("Republic of the Congo", "Congo-Brazzaville"),
    "cri": ("Republic of Costa Rica",),
    "civ": ("Republic of Côte d'Ivoire", "Ivory Coast"),
    "hrv": ("Republic of Croatia",),
    "cub": ("Republic of Cuba",),
    "cyp": ("Republic of Cyprus",),
    "cze": ("Czech Republic",),
    "prk": ("Korea, Democratic People's Republic of", "North Korea", "DPRK"),
    "cod": ("Congo, The Democratic Republic of the", "DRC", "Congo-Kinshasa"),
    "dnk": ("Kingdom of Denmark",),
    "dji": ("Republic of Djibouti",),
    "dma": ("Commonwealth of Dominica",),
    "ecu": ("Republic of Ecuador",),
    "egy": ("Arab Republic of Egypt",),
    "slv": ("Republic of El Salvador", "El] Salvador"),  # corpus typo
    "gnq": ("Republic of Equatorial Guinea",),
    "eri": ("State of Eritrea",),
    "est": ("Republic of Estonia",),
    "swz": ("Swaziland", "Kingdom of Eswatini", "Kingdom of Swaziland"),
    "eth": ("Federal Democratic Republic of Ethiopia",),
    "fji": ("Republic of Fiji",),
    "fin": ("Republic of Finland",),
    "fra": ("French Republic",),
    "gab": ("Gabonese Republic",),
    "gmb": ("Republic of the Gambia",),
    "deu": ("Federal Republic of Germany",),
    "gha": ("Republic of Ghana",),
    "grc": ("Hellenic Republic",),
    "gtm": ("Republic of Guatemala",),
    "gin": ("Republic of Guinea",),
    "gnb": ("Republic of Guinea-Bissau",),
    "guy": ("Republic of Guyana",),
    "hti": ("Republic of Haiti",),
    "hnd": ("Republic of Honduras",),
    "isl": ("Republic of Iceland",),
    "ind": ("Republic of India",),
    "idn": ("Republic of Indonesia",),
    "irn": ("Islamic Republic of Iran", "Iran, Islamic Republic of"),
    "irq": ("Republic of Iraq",),
    "isr": ("State of Israel",),
    "ita": ("Italian Republic",),
    "jor": ("Hashemite Kingdom of Jordan",),
    "kaz": ("Republic of Kazakhstan",),
    "ken": ("Republic of Kenya",),
    "kir": ("Republic of Kiribati",),
    "kwt": ("State of Kuwait",),
    "kgz": ("Kyrgyz Republic", "Kyrgyztan"),  # "Kyrgyztan": corpus typo
    "lao": ("Lao PDR",),
    "lbn": ("Lebanese Republic",),
    "lso": ("Kingdom of Lesotho",),
    "lbr": ("Republic of Liberia",),
    "lby": ("Libyan Arab Jamahiriya", "State of Libya"),
    "lie": ("Principality of Liechtenstein",),
    "ltu": ("Republic of Lithuania",),
    "lux": ("Grand Duchy of Luxembourg",),
    "lva": ("Republic of Latvia",),
    "mdg": ("Republic of Madagascar",),
    "mwi": ("Republic of Malawi",),
    "mdv": ("Republic of Maldives",),
    "mli": ("Republic of Mali",),
    "mlt": ("Republic of Malta",),
    "mhl": ("Republic of the Marshall Islands",),
    "mrt": ("Islamic Republic of Mauritania",),
    "mus": ("Republic of Mauritius",),
    "mex": ("United Mexican States",),
    "fsm": ("Federated States of Micronesia", "Micronesia, Federated States of"),
    "mco": ("Principality of Monaco",),
    "mar": ("Kingdom of Morocco",),
    "moz": ("Republic of Mozambique",),
    "mmr": ("Republic of the Union of Myanmar", "Burma"),
    "nam": ("Republic of Namibia",),
    "nru": ("Republic of Nauru",),
    "npl": ("Federal Democratic Republic of Nepal",),
    "nld": ("Netherlands (Kingdom of the)", "Kingdom of the Netherlands"),
    "nic": ("Republic of Nicaragua",),
    "ner": ("Republic of the Niger",),
    "nga": ("Federal Republic of Nigeria",),
    "mkd": ("The former Yugoslav Republic of Macedonia", "Republic of North Macedonia"),
    "nor": ("Kingdom of Norway",),
    "omn": ("Sultanate of Oman",),
    "pak": ("Islamic Republic of Pakistan",),
    "plw": ("Republic of Palau",),
    "pan": ("Republic of Panama",),
    "png": ("Independent State of Papua New Guinea",),
    "pry": ("Republic of Paraguay",),
    "per": ("Republic of Peru",),
    "phl": ("Republic of the Philippines",),
    "pol": ("Republic of Poland",),
    "prt": ("Portuguese Republic",),
    "qat": ("State of Qatar",),
    "kor": ("Korea, Republic of", "South Korea"),
    "mda": ("Moldova, Republic of",),
    "rwa": ("Republic of Rwanda", "Rwandese Republic"),
    "vct": ("Saint Vincent and Grenadines",),  # corpus variant
    "wsm": ("Independent State of Samoa",),
    "smr": ("Republic of San Marino",),
    "stp": ("Democratic Republic of Sao Tome and Principe",),
    "sau": ("Kingdom of Saudi Arabia",),
    "sen": ("Republic of Senegal",),
    "srb": ("Republic of Serbia",),
    "syc": ("Republic of Seychelles",),
    "sle": ("Republic of Sierra Leone",),
    "sgp": ("Republic of Singapore",),
    "svk": ("Slovak Republic",),
    "svn": ("Republic of Slovenia",),
    "som": ("Federal Republic of Somalia",),
    "zaf": ("Republic of South Africa",),
    "ssd": ("Republic of South Sudan",),
    "esp": ("Kingdom of Spain",),
    "lka": ("Democratic Socialist Republic of Sri Lanka",),
    "sdn": ("Republic of the Sudan",),
    "sur": ("Republic of Suriname",),
    "swe": ("Kingdom of Sweden",),
    "che": ("Swiss Confederation",),
    "tjk": ("Republic of Tajikistan",),
    "tha": ("Kingdom of Thailand",),
    "tls": ("Democratic Republic of Timor-Leste", "East Timor"),
    "tgo": ("Togolese Republic",),
    "ton": ("Kingdom of Tonga",),
    "tto": ("Republic of Trinidad and Tobago",),
    "tun": ("Republic of Tunisia",),
    "tur": ("Turkey", "Republic of Türkiye", "Republic of Turkey"),
    "uga": ("Republic of Uganda",),
    "ukr": ("Ukrainian Soviet Socialist Republic",),
    "gbr": ("UK", "Great Britain", "Britain"),
    "tza": ("Tanzania, United Republic of",),
    "usa": ("US", "U.S.", "USA"),
    "ury": ("Eastern Republic of Uruguay",),
    "uzb": ("Republic of Uzbekistan",),
    "vut": ("Republic of Vanuatu",),
    "ven": ("Bolivarian Republic of Venezuela", "Venezuela, Bolivarian Republic of"),
    "vnm": ("Socialist Republic of Viet Nam", "Vietnam"),
    "yem": ("Republic of Yemen",),
    "zmb": ("Republic of Zambia",),
    "zwe": ("Republic of Zimbabwe",),
    "vat": ("Vatican", "Holy See (Vatican City State)"),
    "pse": ("Palestine, State of",),
    # --- Former States.
    "yug": ("Federal Republic of Yugoslavia", "Socialist Federal Republic of Yugoslavia"),
    "zar": ("Republic of Zaire",),
    "csk": ("Czech and Slovak Federal Republic",),
    "sun": ("Soviet Union",),
    # --- Organisations.
    "united-nations": (
        "UN",
        "Secretariat",
        "United Nations Secretariat",
        "UN Secretariat",
        "Secretariat of the United Nations",
    ),
    "european-union": ("Delegation of the European Union to the United Nations",),
    "african-union": ("African Union Commission",),
    "league-of-arab-states": ("League of the Arab States", "LAS"),  # "League of the ...": corpus variant
    "oic": ("Organisation of Islamic Cooperation", "Organization of the Islamic Conference"),
    "osce": ("Organization for Security and Cooperation in Europe",),
    "opcw": ("Organization for the Prohibition of Chemical Weapons",),
    "gcc": ("Gulf Cooperation Council",),
    "world-bank": ("World Bank Group", "International Bank for Reconstruction and Development"),
    "unhcr": ("United Nations High Commissioner for Refugees",),
    "un-women": ("UN Women",),
    "non-aligned-movement": ("NAM",),
    "group-of-77": ("G-77", "Group of 77"),
    "aihrc": ("Afghanistan Independent Human Rights Commmission",),  # corpus typo
    "colombia-truth-commission": (
        "Commission for the Clarification of Truth, Coexistence and Non-Repetition of Colombia",
        "Truth Commission of Colombia",
    ),
    "foundation-for-human-rights": ("Foundation for Human Rights",),
    "wwf": ("World Wide Fund for Nature",),
}

# Values seen in speaker labels or in the corpus's `country` column that name
# no delegation at all: they resolve to None on purpose.
NOT_DELEGATIONS: frozenset[str] = frozenset(
    {
        "individual",  # briefers speaking in a personal capacity (unsc-2020 corpus)
        "spoke in french",  # a language note entered as a country (unsc-2020, S/PV.8724)
    }
)

# ---------------------------------------------------------------------------
# Normalisation.
# ---------------------------------------------------------------------------
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00ad": "",
    }
)
_SPACE_RE = re.compile(r"\s+")
_HYPHEN_RE = re.compile(r"\s*-\s*")
_TRAILING_RE = re.compile(r"[\s.,;:]+$")


def _strip_wrapping_parens(text: str) -> str:
    """Remove one pair of parentheses around the whole text, if they match."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return text  # "(a) (b)": the first paren closes early
    return text[1:-1].strip()


def normalise_name(text: str) -> str:
    """The form names are compared in: lower case, no accents, straight quotes,
    single spaces, no leading "the", no wrapping parentheses."""
    s = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = _SPACE_RE.sub(" ", s).strip()
    s = _TRAILING_RE.sub("", s)
    s = _strip_wrapping_parens(s)
    s = _HYPHEN_RE.sub("-", s)
    s = s.casefold()
    if s.startswith("the "):
        s = s[4:]
    return s


# ---------------------------------------------------------------------------
# Build the table.
# ---------------------------------------------------------------------------
def _parse_states(block: str, kind: str) -> list[DelegationInfo]:
    out = []
    for line in block.strip().splitlines():
        iso2, iso3, name, short = line.split("|")
        key = iso3.lower()
        out.append(
            DelegationInfo(
                key=key,
                name=name,
                kind=kind,
                iso2=iso2,
                iso3=iso3,
                short=short or name,
                permanent_member=key in _PERMANENT_MEMBERS,
            )
        )
    return out


def _build() -> tuple[tuple[DelegationInfo, ...], dict[str, DelegationInfo], dict[str, str], dict[str, str]]:
    entries: list[DelegationInfo] = []
    entries += _parse_states(_MEMBER_STATES, "state")
    entries += _parse_states(_OBSERVER_STATES, "observer_state")
    entries += _parse_states(_FORMER_STATES, "state")
    for key, name, short in _OTHER_STATES:
        entries.append(DelegationInfo(key, name, "state", None, None, short, False))
    for key, name, short, kind in _ORGANISATIONS:
        entries.append(DelegationInfo(key, name, kind, None, None, short, False))

    by_key: dict[str, DelegationInfo] = {}
    for e in entries:
        if e.key in by_key:
            raise ValueError(f"duplicate delegation key {e.key!r}")
        if e.kind not in KINDS:
            raise ValueError(f"bad kind {e.kind!r} for {e.key!r}")
        by_key[e.key] = e

    # Canonical names and short names.
    names: dict[str, str] = {}
    for e in entries:
        for variant in (e.name, e.short):
            n = normalise_name(variant)
            if names.setdefault(n, e.key) != e.key:
                raise ValueError(f"name {variant!r} is claimed by {names[n]!r} and {e.key!r}")

    aliases: dict[str, str] = {}
    for key, variants in _ALIAS_SOURCE.items():
        if key not in by_key:
            raise ValueError(f"alias for unknown key {key!r}")
        for variant in variants:
            n = normalise_name(variant)
            if names.get(n, key) != key:
                raise ValueError(f"alias {variant!r} shadows the name of {names[n]!r}")
            if aliases.setdefault(n, key) != key:
                raise ValueError(f"alias {variant!r} given to {aliases[n]!r} and {key!r}")
            if n in NOT_DELEGATIONS:
                raise ValueError(f"alias {variant!r} is listed as not a delegation")
    return tuple(entries), by_key, names, aliases


_ENTRIES, _BY_KEY, _NAMES, _ALIASES = _build()
_BY_ISO3: dict[str, DelegationInfo] = {e.iso3: e for e in _ENTRIES if e.iso3 is not None}

ALIASES: Mapping[str, str] = MappingProxyType(_ALIASES)

_ISO3_RE = re.compile(r"[A-Z]{3}")


# ---------------------------------------------------------------------------
# Public functions.
# ---------------------------------------------------------------------------
def resolve_delegation(text: str) -> DelegationInfo | None:
    """The delegation named by ``text``, or None when it names none we know.

    Matches, after :func:`normalise_name`: a canonical name, a short name, or a
    variant in :data:`ALIASES`; also an ISO 3166-1 alpha-3 code written in
    capitals ("GBR").  No fuzzy matching.
    """
    if not text:
        return None
    n = normalise_name(text)
    if not n:
        return None
    key = _NAMES.get(n) or _ALIASES.get(n)
    if key is not None:
        return _BY_KEY[key]
    raw = text.strip()
    if _ISO3_RE.fullmatch(raw):
        return _BY_ISO3.get(raw)
    return None


def delegation_by_key(key: str) -> DelegationInfo | None:
    """The delegation with this exact key ("gbr", "united-nations"), or None."""
    return _BY_KEY.get(key)


def predecessors(key: str) -> tuple[tuple[str, dt.date], ...]:
    """The States ``key`` continued or succeeded, with the day: ("sun", 1991-12-24) for "rus"."""
    return tuple((old, since) for old, successors in SUCCESSORS.items() for new, since in successors if new == key)


def resolve_delegation_on(text: str, date: dt.date | None) -> DelegationInfo | None:
    """The delegation ``text`` named on ``date``: "China" is the Republic of China before 25
    October 1971 and the People's Republic of China from then; every other name as
    :func:`resolve_delegation`."""
    info = resolve_delegation(text)
    if info is not None and info.key == "chn" and date is not None and date < _CHINA_SEAT_UNTIL:
        return _BY_KEY["republic-of-china"]
    return info


def resolve_misread_delegation(text: str) -> DelegationInfo | None:
    """For OCR only: the delegation ``text`` names, or the one whose name (or alias) it is within
    one letter in eight of ("Saint Vincent aid the Grenadines"), when exactly one is that close.
    Printed text goes through :func:`resolve_delegation`, which never guesses."""
    from .textfix import edit_distance

    exact = resolve_delegation(text)
    if exact is not None or not text:
        return exact
    n = normalise_name(text)
    limit = len(n) // 8
    if limit == 0:
        return None
    keys = {
        key
        for name, key in (*_NAMES.items(), *_ALIASES.items())
        if abs(len(name) - len(n)) <= limit and edit_distance(name, n) <= limit
    }
    return delegation_by_key(keys.pop()) if len(keys) == 1 else None


def all_delegations() -> tuple[DelegationInfo, ...]:
    """Every delegation in the table, in table order (Member States first)."""
    return _ENTRIES
