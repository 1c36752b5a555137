"""The simulated organisation of `xgov demo`: units, names, policies and what people report."""
from __future__ import annotations

from dataclasses import dataclass

UNITS = {
    "pl": ("Obsługa Klienta", "Dział Reklamacji", "Sprzedaż", "Logistyka", "Finanse", "IT", "Kadry", "Marketing"),
    "en": ("Customer Service", "Complaints Handling", "Sales", "Logistics", "Finance", "IT", "People", "Marketing"),
}
ROOT_UNIT = {"pl": "Spółka", "en": "Company"}

FIRST_NAMES_F = ("Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Zofia", "Joanna", "Ewa", "Magdalena",
                 "Łucja", "Barbara", "Dorota", "Żaneta", "Helena", "Aleksandra", "Natalia", "Bożena")
FIRST_NAMES_M = ("Piotr", "Krzysztof", "Tomasz", "Paweł", "Łukasz", "Michał", "Jakub", "Marcin",
                 "Grzegorz", "Wojciech", "Mikołaj", "Jędrzej", "Stanisław", "Adam", "Bartłomiej", "Sławomir")
SURNAMES = (("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"),
            ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"),
            ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"),
            ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Krawczyk", "Krawczyk"),
            ("Piątek", "Piątek"), ("Grabowski", "Grabowska"), ("Pawłowski", "Pawłowska"), ("Michalski", "Michalska"),
            ("Król", "Król"), ("Wieczorek", "Wieczorek"), ("Jabłoński", "Jabłońska"), ("Łuczak", "Łuczak"))

_ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def email_for(first: str, last: str, taken: set[str]) -> str:
    base = f"{first}.{last}".translate(_ASCII).lower()
    email, number = f"{base}@example.pl", 2
    while email in taken:
        email, number = f"{base}{number}@example.pl", number + 1
    taken.add(email)
    return email


@dataclass(frozen=True)
class DemoPolicy:
    kind: str
    owner_unit: int  # index into UNITS
    title: dict[str, str]
    reports: dict[str, tuple[str, ...]]
    weight: int
    report_kind: str
    experience: str
    fix: dict[str, str]


POLICIES = (
    DemoPolicy("policy", 4, {"pl": "Zwroty powyżej 500 zł wymagają zgody dyrektora",
                             "en": "Refunds above 500 PLN need a director's approval"},
               {"pl": ("Klient czekał 9 dni na zwrot 620 zł, bo dyrektor był na urlopie.",
                       "Przy zwrotach powyżej 500 zł dzielę kwotę na dwie części, żeby klient nie czekał tygodniami.",
                       "Trzeci raz w tym miesiącu tłumaczę klientowi, że zwrot „jest w akceptacji”."),
                "en": ("A customer waited 9 days for a 620 PLN refund because the director was on leave.",
                       "For refunds above 500 PLN I split the amount in two so the customer does not wait for weeks.",
                       "Third time this month I told a customer their refund is \"awaiting approval\".")},
               6, "workaround", "cx", {"pl": "Próg podniesiony do 2000 zł; powyżej decyduje kierownik zmiany.",
                                       "en": "Threshold raised to 2000 PLN; above it the shift lead decides."}),
    DemoPolicy("process", 5, {"pl": "Zamówienia przepisywane ręcznie z CRM do systemu faktur",
                              "en": "Orders retyped by hand from the CRM into the invoicing system"},
               {"pl": ("System faktur każe mi przepisywać każde zamówienie z CRM, tracę na tym godzinę dziennie.",
                       "Pomyliłam NIP przy przepisywaniu zamówienia i klient dostał złą fakturę.",
                       "Prowadzę własny arkusz, żeby wiedzieć, które zamówienia już przepisałem."),
                "en": ("The invoicing system makes me retype every order from the CRM; I lose an hour a day.",
                       "I mistyped a tax number while retyping an order and the customer got a wrong invoice.",
                       "I keep my own spreadsheet to know which orders I have already retyped.")},
               5, "workaround", "ex", {"pl": "Integracja CRM z fakturami uruchomiona; przepisywanie zniknęło.",
                                       "en": "CRM-to-invoicing integration switched on; no more retyping."}),
    DemoPolicy("decision", 2, {"pl": "Premia sprzedaży liczona tylko od liczby nowych umów",
                               "en": "Sales bonus counts only the number of new contracts"},
               {"pl": ("Handlowcy obiecują klientom terminy, których logistyka nie dotrzyma, bo liczy się tylko podpis.",
                       "Mój KPI to czas rozmowy, a klient potrzebuje, żebym rozwiązał sprawę za pierwszym razem."),
                "en": ("Sales promise delivery dates logistics cannot keep, because only the signature counts.",
                       "My KPI is call length, but the customer needs me to solve it the first time.")},
               4, "conflicting_kpis", "cx", {"pl": "Do premii doszedł wskaźnik dotrzymanych terminów.",
                                             "en": "On-time delivery now counts towards the bonus."}),
    DemoPolicy("process", 1, {"pl": "Reklamacje rozpatruje wyłącznie centrala",
                              "en": "Only head office may decide on complaints"},
               {"pl": ("Klient z uszkodzonym towarem odszedł z niczym, bo nie mogę sam uznać reklamacji na 80 zł.",
                       "Robię wyjątek od procedury i wymieniam towar od ręki, bo inaczej klient czeka 3 tygodnie."),
                "en": ("A customer with damaged goods left empty-handed because I cannot accept an 80 PLN complaint myself.",
                       "I make an exception and swap the goods on the spot, otherwise the customer waits 3 weeks.")},
               4, "exception", "cx", {"pl": "Oddziały uznają reklamacje do 300 zł samodzielnie.",
                                      "en": "Branches may accept complaints up to 300 PLN themselves."}),
    DemoPolicy("decision", 6, {"pl": "Kto decyduje o pracy zdalnej w zespole",
                               "en": "Who decides on remote work in a team"},
               {"pl": ("Nikt nie wie, kto zatwierdza pracę zdalną; wnioski wiszą od miesiąca.",
                       "Dwóch kierowników dało mi sprzeczne odpowiedzi w sprawie pracy zdalnej."),
                "en": ("Nobody knows who approves remote work; requests have been waiting for a month.",
                       "Two managers gave me opposite answers about remote work.")},
               2, "missing_decision", "ex", {"pl": "Decyzję podejmuje bezpośredni przełożony w 3 dni.",
                                             "en": "The line manager decides within 3 days."}),
    DemoPolicy("policy", 3, {"pl": "Zmiana terminu dostawy tylko przez infolinię",
                             "en": "Delivery dates can be changed only through the call centre"},
               {"pl": ("Kurier nie może zmienić terminu dostawy, więc klient dzwoni do nas trzy razy.",
                       "Emocje klienta sięgnęły zenitu, a ja nie mogłem przesunąć dostawy o jeden dzień."),
                "en": ("The courier cannot change the delivery date, so the customer calls us three times.",
                       "The customer was furious and I could not move the delivery by a single day.")},
               3, "exception", "cx", {"pl": "Kurier może przesunąć dostawę o 2 dni w aplikacji.",
                                      "en": "Couriers may move a delivery by 2 days in their app."}),
    DemoPolicy("process", 7, {"pl": "Akceptacja treści kampanii przez pięć działów",
                              "en": "Campaign copy approved by five departments"},
               {"pl": ("Poprawka literówki w mailingu wymaga pięciu akceptacji i trwa dwa tygodnie.",),
                "en": ("Fixing a typo in a mailing needs five sign-offs and takes two weeks.",)},
               1, "workaround", "partner", {"pl": "Drobne poprawki akceptuje jedna osoba z Marketingu.",
                                            "en": "Minor fixes are approved by one person in Marketing."}),
    DemoPolicy("policy", 0, {"pl": "Skrypt rozmowy obowiązkowy co do słowa",
                             "en": "Call script must be followed word for word"},
               {"pl": ("Skrypt każe mi proponować produkt, którego klient właśnie chce się pozbyć.",
                       "Procedura mówi jedno, a rzeczywistość drugie: skrypt nie przewiduje awarii systemu."),
                "en": ("The script makes me offer the very product the customer is trying to cancel.",
                       "The procedure says one thing and reality another: the script has no answer for an outage.")},
               3, "exception", "cx", {"pl": "", "en": ""}),
)

DECLINE_REASONS = {
    "pl": ("To nie moja polityka: limit zwrotów ustala Finanse.", "Ta decyzja należy do innego działu.",
           "Nie odpowiadam za ten proces od reorganizacji."),
    "en": ("Not my policy: Finance sets the refund limit.", "This decision belongs to another department.",
           "I have not owned this process since the reorganisation."),
}
NO_CHANGE_REASONS = {
    "pl": "Skrypt zostaje, bo wymaga go regulator; dodaliśmy wyjątek na czas awarii.",
    "en": "The script stays because the regulator requires it; we added an exception for outages.",
}
