#!/usr/bin/env python3
"""Builds redaction-hard.txt: a hand-written, deliberately hard labelled set.

Written before the detector was changed to meet it (issue 14) and not tuned
afterwards. Each template is a Finnish, Swedish or English comment as people
write them, with the personal data marked {{KIND:text}}; the same format as
redaction.txt. Phones and e-mail addresses are written out literally in the
templates; personal identity codes and IBANs are filled in by the slots
{HETU}, {IBAN} (with spaces), {IBANC} (compact), {IBANL} (lower case),
{SEIBAN}, {BADHETU} and {BADIBAN} (wrong check characters, not personal
data), computed here independently of the Go code. Lines without a marker
are true negatives: dates with dashes, dots, slashes and spaces, times and
ranges, amounts, postcodes, short codes, reference numbers and words next to
"at". Deterministic: python3 redaction_hard.py > redaction-hard.txt
"""
import random

rnd = random.Random(14)
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
SIGNS = {1800: "+", 1900: "-YXWVU", 2000: "ABCDEF"}


def hetu(valid=True):
    century = rnd.choice([1800, 1900, 1900, 1900, 2000])
    year = century + rnd.randint(0, 99 if century != 2000 else 24)
    month, day = rnd.randint(1, 12), rnd.randint(1, 28)
    ind = rnd.randint(2, 899)
    n = int(f"{day:02}{month:02}{year % 100:02}{ind:03}")
    check = CHECK[n % 31] if valid else CHECK[(n + rnd.randint(1, 30)) % 31]
    return f"{day:02}{month:02}{year % 100:02}{rnd.choice(SIGNS[century])}{ind:03}{check}"


def iban(country="FI", length=18, valid=True, spaced=True, lower=False):
    bban = "".join(rnd.choice("0123456789") for _ in range(length - 4))
    num = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    check = 98 - num % 97
    if not valid:
        check = (check + rnd.randint(1, 50)) % 97 + 2
        if check == 98 - num % 97:
            check = check % 97 + 2
    s = f"{country}{check:02}{bban}"
    if spaced:
        s = " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    return s.lower() if lower else s


TEMPLATES = r"""
# Phones: every Finnish format, separators / . - space, +358 and 358, two in a row, followed by other numbers.
Soittakaa {{PHONE:0401234567}} 15-16 välillä, kiitos.
Soittakaa {{PHONE:040 123 4567}} klo 8-10 tai {{PHONE:050 765 4321}} iltaisin.
Numeroni on {{PHONE:040/123 4567}}.
Numeroni on {{PHONE:040/1234567}} ja toinen {{PHONE:044/765 4321}}.
Puh. {{PHONE:040.123.4567}}
Puhelin {{PHONE:050.765.43.21}} arkisin 9-15.
Tavoittaa numerosta {{PHONE:358401234567}} tai sähköpostilla.
Tavoittaa numerosta {{PHONE:+358401234567}} koska vain.
Soita {{PHONE:+358 40 123 4567}} tai {{PHONE:+358 50 765 4321}} viikolla 12.
Soita {{PHONE:+358 (0)40 123 4567}} iltaisin.
Soita {{PHONE:00358 40 123 4567}} ulkomailta.
Soita {{PHONE:00358401234567}}, olen ulkomailla 3 viikkoa.
Lapseni puhelin {{PHONE:045-123 4567}}, 12 v.
Puh {{PHONE:045-1234567}},{{PHONE:045-7654321}}
Puh: {{PHONE:0401234567}}/{{PHONE:0501234567}}
Puhelinnumero {{PHONE:(09) 471 71}} vastasi vasta 45 minuutin jälkeen.
Keskus {{PHONE:09 4717 1234}}, jonotin 30 min.
Kotinumero {{PHONE:(09)123 4567}}
Numero {{PHONE:014-123 456}}, soitto klo 10.00 jälkeen.
Numero {{PHONE:017 123 4567}} 2 kertaa ei vastannut.
Soitin {{PHONE:040 1234 567}} 3 kertaa ja 2 kertaa {{PHONE:0401234568}}.
Tässä numeroni {{PHONE:0449876543}}  ja toinen {{PHONE:0505551234}}
Voitte soittaa {{PHONE:040-123-4567}} 1.12. jälkeen.
Soittakaa {{PHONE:040 12 34 567}} heti.
Ring mig på {{PHONE:040 123 45 67}} efter kl 16.
Ring {{PHONE:+358 40 123 45 67}} eller {{PHONE:+46 70 123 45 67}}.
Mitt nummer är {{PHONE:+46701234567}} och min mammas {{PHONE:044 555 12 34}}.
Ring {{PHONE:06-318 3000}} eller {{PHONE:06 318 3000}} vardagar 8-16.
Mitt nya nummer: {{PHONE:050 5551234}}, gamla {{PHONE:0505551235}}.
Tel. {{PHONE:+358-40-1234567}}, 2 gånger utan svar.
Call me on {{PHONE:+44 20 7946 0958}} or {{PHONE:040 987 6543}}.
My number: {{PHONE:358 40 987 6543}} (after 5 pm).
Soittakaa {{PHONE:0401234567}}.{{PHONE:0409876543}} ei toimi.
Soita: {{PHONE:040 123 4567}}/{{PHONE:09 876 5432}}
Puh {{PHONE:040-1234567}} 2025 asti, sitten {{PHONE:050-1234567}}.
Soittakaa numeroon {{PHONE:0401234567}} 9.3.2025 jälkeen.
Sain tekstiviestin numerosta {{PHONE:+358451234567}} 3 kertaa.
Omaiseni puhelin {{PHONE:+358 45 123 4567}}, minun {{PHONE:+358 45 765 4321}}
Numerot: {{PHONE:040 111 2222}}, {{PHONE:040 333 4444}}, {{PHONE:040 555 6666}}
Soittakaa {{PHONE:050-555 12 34}} asiasta 1234.
# E-mail addresses, plain and written to dodge filters.
Vastatkaa {{EMAIL:maija.meikalainen@hus.fi}}.
Vastaus osoitteeseen {{EMAIL:Maija.Meikäläinen@Pohjanmaa.Fi}}, kiitos.
Kirjoittakaa {{EMAIL:nimi(at)hus.fi}} niin vastaan.
Kirjoittakaa {{EMAIL:nimi (at) hus.fi}} niin vastaan.
Sähköposti {{EMAIL:nimi[at]hus.fi}}
Sähköposti {{EMAIL:nimi [at] hus [dot] fi}}
Sähköposti {{EMAIL:nimi(a)hus.fi}}
Sähköpostini on {{EMAIL:maija at hus dot fi}}
Sähköpostini on {{EMAIL:maija.m at example dot com}}, vastatkaa pian.
E-post {{EMAIL:anna.svensson(at)gmail.com}} tack.
Skriv till {{EMAIL:karl-erik.lind [at] abo.fi}}.
Skriv till {{EMAIL:karl_lind AT abo DOT fi}}.
Mail {{EMAIL:pekka@example.fi}}.Kiitos!
Mail: <{{EMAIL:pekka@example.fi}}>
Mailto:{{EMAIL:pekka@example.fi}} tai {{EMAIL:liisa@example.fi}}
Kaksi osoitetta {{EMAIL:a.b@c.fi}},{{EMAIL:d.e@f.fi}}
Email me at {{EMAIL:john.smith at gmail dot com}} please.
Osoite {{EMAIL:m.virtanen@sub.domain.example.fi}} ja puhelin {{PHONE:040 123 4567}}.
Sähköposti {{EMAIL:matti.meikalainen1975@gmail.com}} tai soita {{PHONE:0401234567}}.
Sähköposti: {{EMAIL:maija(at)gmail(dot)com}}
Sähköposti: {{EMAIL:maija(at)gmail.com}}.
# Personal identity codes.
Hetuni {{PERSONAL-ID:{HETU}}} oli väärin.
Hetu: {{PERSONAL-ID:{HETU}}}.
Lapseni hetu {{PERSONAL-ID:{HETU}}} ja oma {{PERSONAL-ID:{HETU}}}
Min personbeteckning {{PERSONAL-ID:{HETU}}}, telefon {{PHONE:040 123 4567}}.
Henkilötunnus {{PERSONAL-ID:{HETUL}}} (pienillä kirjaimilla).
Tunnus {{PERSONAL-ID:{HETU}}}, käynti 12.3.2025 klo 14.
Hetu {{PERSONAL-ID:{HETU}}}/{{PERSONAL-ID:{HETU}}}
# IBANs, several in a row.
Tilille {{IBAN:{IBAN}}} ja {{IBAN:{IBAN}}} pian.
Tilit {{IBAN:{IBANC}}} {{IBAN:{IBANC}}}
Tilit: {{IBAN:{IBAN}}}, {{IBAN:{IBAN}}}, {{IBAN:{IBAN}}}
Palauttakaa {{IBAN:{IBAN}}} 20 euroa.
Palauttakaa {{IBAN:{IBANC}}} 85 euroa 12.3.
Tili {{IBAN:{IBANL}}} kiitos.
Konto {{IBAN:{SEIBAN}}} eller {{IBAN:{IBAN}}}.
Tili {{IBAN:{IBAN}}}/{{IBAN:{IBAN}}}
# Negatives: dates, times, amounts, codes.
Kävin 05-03-2024 ja 07 11 2024 vastaanotolla.
Aika oli 05.03.2024 klo 08.00-16.00.
Ajalla 1.1.–31.3.2025 jonot olivat pitkiä.
Käynti 2024-03-05, seuraava 2024-04-16.
Varasin ajan 12/03/2024, peruttiin 15/03/2024.
Jonotin 0800-1600 välisenä aikana.
Huone 0213, kerros 2, ovi 04.
Lomakkeen koodi 02-12 ja 040 oli väärin.
Postinumero 00100 Helsinki ja 65100 Vaasa.
Maksoin 1 250,00 € ja 40,50 €.
Lasku nro 2024-001234, viite 12345 67890.
Vuosina 2023-2024 asiat paranivat.
Odotin 45 min, 2 h ja 15 min.
Kello 10.30-11.45 ja 13.00–14.15.
Syntymäaika 05.03.1952, ikä 72.
Kävin 5.3.2024, 12.3.2024 ja 19.3.2024.
Olin sairaalassa 07 11 2024 – 14 11 2024.
Sain 3 lääkettä, 2 x 500 mg.
Reseptin numero 123456, lähete 7890.
Soitin 116 117 -numeroon ja 112:een.
Asiakasnumero 0012345.
Vi kom kl 9 at sjukhuset.
We arrived at 9 and left at 11.
Look at the website hus.fi for details.
Tunnus 131052-308A oli väärin kirjoitettu.
Viite RF18 5390 0754 7034 oli laskulla.
Väärä tili {BADIBAN} palautui.
Väärä hetu {BADHETU} lomakkeella.
Ajalla 010124-310124 oli lakko.
Sain 10 000 euron laskun 2/2025.
Jonotin 30.1.2025 klo 9.00–11.00.
Versio 1.2.3 ei toimi, virhe 0x0040.
Kello 08:00 - 16:00 aukioloaika.
Kävijöitä oli 040 ja 050 välillä.
Päivystys 24/7, soitto maksaa 0,84 €/min.
""".strip()


def fill(line):
    slots = {
        "{HETU}": lambda: hetu(),
        "{HETUL}": lambda: hetu().lower(),
        "{BADHETU}": lambda: hetu(valid=False),
        "{IBAN}": lambda: iban(spaced=True),
        "{IBANC}": lambda: iban(spaced=False),
        "{IBANL}": lambda: iban(spaced=True, lower=True),
        "{SEIBAN}": lambda: iban("SE", 24, spaced=rnd.random() < 0.5),
        "{BADIBAN}": lambda: iban(valid=False),
    }
    for key, make in slots.items():
        while key in line:
            line = line.replace(key, make(), 1)
    return line


def main():
    print("# Hard labelled redaction set; generated by redaction_hard.py. {{KIND:text}} marks personal data.")
    for line in TEMPLATES.splitlines():
        if line.startswith("#"):
            print(line)
            continue
        # Each template three times: slots get new values; the literal
        # phones and addresses stay, so the set counts them three times.
        for _ in range(3 if "{" in line.replace("{{", "") else 1):
            print(fill(line))


main()
