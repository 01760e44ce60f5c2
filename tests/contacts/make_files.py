#!/usr/bin/python3
"""make_files.py - writes the address-book files of tests/contacts.

Each file is shaped like what one program writes (its version, its line
ends, its encoding, its habits); test_contacts.c reads each and checks the
clients it yields. The files are kept in the repository; this script says
how each was made and remakes them: /usr/bin/python3 make_files.py
"""
import base64
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def crlf(text):
    return text.replace("\n", "\r\n")


# An iPhone: 3.0, CRLF, item groups with labels, a 20 KB PHOTO folded at 75
# octets, a birthday without a year, a fax, a tel with letters.
photo = base64.b64encode(bytes(range(256)) * 80).decode()
folded = "PHOTO;ENCODING=b;TYPE=JPEG:" + photo
lines = [folded[:75]] + [" " + folded[i:i + 74] for i in range(75, len(folded), 74)]
write("iphone.vcf", crlf(
    "BEGIN:VCARD\n"
    "VERSION:3.0\n"
    "PRODID:-//Apple Inc.//iPhone OS 17.1//EN\n"
    "N:Br\u00fcning;Michael;;;\n"
    "FN:Michael Br\u00fcning\n"
    "ORG:Br\u00fcning GmbH;Vertrieb\n"
    "TITLE:Gesch\u00e4ftsf\u00fchrer\n"
    "item1.EMAIL;type=INTERNET;type=pref:michael@bruening.example.de\n"
    "item1.X-ABLabel:_$!<Other>!$_\n"
    "TEL;type=CELL;type=VOICE;type=pref:+49 171 2345678\n"
    "TEL;type=WORK;type=FAX:034441/ 2 22 67\n"
    "TEL;type=HOME;type=VOICE:+1-800-FLOWERS\n"
    "item2.ADR;type=HOME;type=pref:;;Hauptstra\u00dfe 5\\nHinterhaus;Leipzig;Sachsen;04109;Deutschland\n"
    "item2.X-ABADR:de\n"
    "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\n"
    "CATEGORIES:VIP Clients,Family\n"
    + "\n".join(lines) + "\n"
    "END:VCARD\n").encode("utf-8"))

# An Android phone: 2.1, quoted-printable with soft line breaks, CHARSET
# UTF-8, a tel: with ext, pause and wait characters.
write("android.vcf", crlf(
    "BEGIN:VCARD\n"
    "VERSION:2.1\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4A=C3=BC=72=67=65=6E=73=65=6E;=53=C3=B8=72=65=6E;;;\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=53=C3=B8=72=65=6E=20=4A=C3=BC=72=67=65=6E=73=65=\n"
    "=6E\n"
    "TEL;CELL:+45 20 12 34 56\n"
    "TEL;WORK:+45 33 12 34 56,,102\n"
    "TEL;HOME:555-0100w99\n"
    "EMAIL;HOME:soren@example.dk\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:Met at the fair=0D=0A=\n"
    "Call about the pension\n"
    "BDAY:1969-12-28\n"
    "END:VCARD\n"
    "BEGIN:VCARD\n"
    "VERSION:2.1\n"
    "FN:Path Person\n"
    "NOTE:files in C:\\Users\\path\\docs\n"
    "TEL;VOICE:tel:+1-418-656-9254;ext=102\n"
    "END:VCARD\n").encode("utf-8"))

# Outlook: 2.1 with CHARSET=Windows-1252, QP, a multi-line street, a
# birthday with a time, an e-mail as mailto:.
write("outlook.vcf", crlf(
    "BEGIN:VCARD\n"
    "VERSION:2.1\n"
    "N;LANGUAGE=fr-fr;CHARSET=Windows-1252:Lef\u00e8vre;H\u00e9l\u00e8ne\n"
    "FN;CHARSET=Windows-1252:H\u00e9l\u00e8ne Lef\u00e8vre\n"
    "ORG;CHARSET=Windows-1252:Caf\u00e9 de la Paix\n"
    "TEL;WORK;VOICE:+33 (0)1 23.45.67.89\n"
    "TEL;WORK;FAX:+33 1 23 45 67 90\n"
    "ADR;WORK;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:;;12 rue de la Paix=0D=0A=\n"
    "B=E2timent B;Paris;;75002;France\n"
    "EMAIL;PREF;INTERNET:mailto:helene@example.fr\n"
    "BDAY:19750315T000000Z\n"
    "X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns=\"http://schemas.microsoft.com/office/outlook/12/electronicbusinesscards\" \xff\xfe>\n"
    "END:VCARD\n").encode("cp1252", errors="strict").replace(b"\\xff\\xfe", b"\xff\xfe"))

# A Japanese phone: 2.1 in Shift_JIS, named per property.
write("shift_jis.vcf", crlf(
    "BEGIN:VCARD\n"
    "VERSION:2.1\n"
    "N;CHARSET=SHIFT_JIS:\u5c71\u7530;\u592a\u90ce;;;\n"
    "FN;CHARSET=SHIFT_JIS:\u5c71\u7530 \u592a\u90ce\n"
    "TEL;CELL:090-1234-5678\n"
    "BDAY:--0704\n"
    "END:VCARD\n").encode("shift_jis"))

# Google Contacts: 3.0, UTF-16LE with a byte order mark, LF line ends.
write("google_utf16.vcf", b"\xff\xfe" + (
    "BEGIN:VCARD\n"
    "VERSION:3.0\n"
    "FN:\u0410\u043d\u043d\u0430 \u041f\u0435\u0442\u0440\u043e\u0432\u0430\n"
    "N:\u041f\u0435\u0442\u0440\u043e\u0432\u0430;\u0410\u043d\u043d\u0430;;;\n"
    "EMAIL;TYPE=INTERNET;TYPE=HOME:anna@example.ru\n"
    "TEL;TYPE=CELL:+7 (912) 345-67-89\n"
    "BDAY:1984-02-29\n"
    "ADR;TYPE=HOME:;;\u0443\u043b. \u041b\u0435\u043d\u0438\u043d\u0430\\, 1;\u041c\u043e\u0441\u043a\u0432\u0430;;101000;RU\n"
    "END:VCARD\n").encode("utf-16-le"))

# Thunderbird (old Mac export): 4.0, UTF-16BE without a mark, CR line ends.
write("thunderbird_utf16be_cr.vcf", (
    "BEGIN:VCARD\r"
    "VERSION:4.0\r"
    "FN:Ole Nordmann\r"
    "N:Nordmann;Ole;;;\r"
    "EMAIL;PREF=1:ole@example.no\r"
    "TEL;VALUE=uri;TYPE=\"voice,work\":tel:+47-22-33-44-55\r"
    "BDAY:18950101\r"
    "END:VCARD\r").encode("utf-16-be"))

# Lotus Notes: 3.0 with a UTF-8 mark, CR-only line ends, a multi-line
# street, a card with only an organisation, one with no name at all, and a
# BEGIN:VCARD before the END of the card before.
write("lotus_notes.vcf", b"\xef\xbb\xbf" + (
    "BEGIN:VCARD\r"
    "VERSION:3.0\r"
    "FN:Kari Hansen\r"
    "ADR;TYPE=WORK:;;Storgata 1\\nPostboks 12;Oslo;;0155;NO\r"
    "TEL;TYPE=WORK:+47 22 00 00 00 ext. 345\r"
    "BDAY:1970-13-40\r"
    "EMAIL:not an address\r"
    "END:VCARD\r"
    "BEGIN:VCARD\r"
    "VERSION:3.0\r"
    "ORG:Acme Holding AS\r"
    "END:VCARD\r"
    "BEGIN:VCARD\r"
    "VERSION:3.0\r"
    "TEL:+47 99 99 99 99\r"
    "END:VCARD\r"
    "BEGIN:VCARD\r"
    "VERSION:3.0\r"
    "FN:Unfinished Card\r"
    "BEGIN:VCARD\r"
    "VERSION:3.0\r"
    "FN:After Unfinished\r"
    "END:VCARD\r").encode("utf-8"))
