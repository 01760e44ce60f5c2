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


# ---------------------------------------------------------------- CSV

def csv_rows(rows, sep=",", eol="\r\n"):
    def cell(v):
        if any(c in v for c in (sep, '"', "\n", "\r")):
            return '"' + v.replace('"', '""') + '"'
        return v
    return "".join(sep.join(cell(v) for v in row) + eol for row in rows)


# Google Contacts, the older export: "Given Name", numbered phones with a
# Type column, " ::: " between several values, group memberships.
write("google_old.csv", csv_rows([
    ["Name", "Given Name", "Additional Name", "Family Name", "Birthday", "Notes",
     "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type",
     "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value", "Address 1 - Type",
     "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City", "Address 1 - PO Box",
     "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
     "Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Title"],
    ["Ana Torres", "Ana", "", "Torres", "1980-04-15", "met at the fair",
     "* myContacts ::: Golf Club", "* Home", "ana@example.com ::: ana.t@example.org", "Mobile",
     "+51 999 888 777 ::: +51 999 888 778", "Work Fax", "+51 1 555 0100", "Home",
     "Av. Sol 1\nLima", "Av. Sol 1", "Lima", "", "Lima", "15001", "Peru", "", "Acme", "CFO"],
    ["", "", "", "", "--12-24", "", "* myContacts", "", "nobody@example.com", "", "", "", "",
     "", "", "", "", "", "", "", "", "", "", ""],
]).encode("utf-8"))

# Google Contacts, the newer export: "First Name", "Phone 1 - Label",
# "Labels", "Organization Name".
write("google_new.csv", csv_rows([
    ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Nickname",
     "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
     "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value",
     "Address 1 - Label", "Address 1 - Street", "Address 1 - City", "Address 1 - Postal Code",
     "Address 1 - Country"],
    ["J\u00fcrgen", "", "M\u00fcller", "", "J\u00fcrg", "M\u00fcller AG", "Einkauf", "Zentrale",
     "1975-03-15", "", "VIP ::: * myContacts", "Work", "jm@example.de", "Mobile",
     "0171 2345678", "Work", "Hauptstr. 1", "Berlin", "10115", "Deutschland"],
]).encode("utf-8"))

# Outlook, English: BOM, dates month first, "0/0/00" for no birthday, the
# honorific "Title" beside the "Job Title", both addresses.
outlook_en_header = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
    "Job Title", "Business Street", "Business City", "Business State", "Business Postal Code",
    "Business Country/Region", "Home Street", "Home Street 2", "Home City", "Home State",
    "Home Postal Code", "Home Country/Region", "Business Fax", "Business Phone", "Home Phone",
    "Mobile Phone", "Birthday", "Categories", "E-mail Address", "E-mail 2 Address", "Notes"]
write("outlook_en.csv", b"\xef\xbb\xbf" + csv_rows([
    outlook_en_header,
    ["Mr.", "John", "Q.", "Public", "", "Contoso", "Sales", "Manager", "1 Main St", "Seattle",
     "WA", "98101", "United States", "22 Elm St", "Apt 4", "Redmond", "WA", "98052",
     "United States", "(425) 555-0199", "(425) 555-0100 x123", "", "+1 (206) 555-0111",
     "12/28/1969", "Clients;Golf", "john@contoso.example", "", ""],
    ["", "", "", "", "", "Fabrikam Inc.", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "", "+1 425 555 0000", "", "", "0/0/00", "", "", "", ""],
]).encode("utf-8"))

# Outlook, German: ';' between fields (the locale's list separator),
# windows-1252, dates day first with dots.
write("outlook_de.csv", csv_rows([
    ["Anrede", "Vorname", "Weitere Vornamen", "Nachname", "Firma", "Abteilung", "Position",
     "Stra\u00dfe privat", "Ort privat", "Bundesland/Kanton privat", "Postleitzahl privat",
     "Land/Region privat", "Telefon gesch\u00e4ftlich", "Telefon privat", "Mobiltelefon",
     "Fax gesch\u00e4ftlich", "Geburtstag", "Kategorien", "E-Mail-Adresse", "Notizen"],
    ["Herr", "J\u00f6rg", "", "Schr\u00f6der", "B\u00e4ckerei Schr\u00f6der", "", "Inhaber",
     "Kirchstra\u00dfe 7", "M\u00fcnchen", "Bayern", "80331", "Deutschland", "089 123456",
     "", "0170/1234567", "089 123457", "28.12.1969", "Kunden", "joerg@example.de",
     "Rückruf erbeten"],
], sep=";").encode("cp1252"))

# Outlook, Spanish, Norwegian and French: UTF-8, commas.
write("outlook_es.csv", csv_rows([
    ["Nombre", "Segundo nombre", "Apellidos", "Organizaci\u00f3n", "Puesto",
     "Calle del domicilio", "Ciudad de residencia", "C\u00f3digo postal de residencia",
     "Pa\u00eds o regi\u00f3n de residencia", "Tel\u00e9fono m\u00f3vil",
     "Tel\u00e9fono del trabajo", "Cumplea\u00f1os", "Direcci\u00f3n de correo electr\u00f3nico",
     "Notas"],
    ["Mar\u00eda", "Jos\u00e9", "Garc\u00eda L\u00f3pez", "", "", "Calle Mayor 1", "Madrid",
     "28013", "Espa\u00f1a", "+34 600 123 456", "91 123 45 67", "15/4/1980",
     "maria@example.es", ""],
]).encode("utf-8"))
write("outlook_no.csv", csv_rows([
    ["Fornavn", "Mellomnavn", "Etternavn", "Firma", "Stilling", "Gateadresse, privat",
     "Poststed, privat", "Postnummer, privat", "Land, privat", "Mobiltelefon",
     "Telefon, arbeid", "F\u00f8dselsdag", "E-postadresse", "Notater"],
    ["Ola", "", "Nordmann", "Nordmann AS", "Daglig leder", "Storgata 1", "Oslo", "0155",
     "Norge", "+47 912 34 567", "22 33 44 55", "17.5.1970", "ola@example.no", ""],
]).encode("utf-8"))
write("outlook_fr.csv", csv_rows([
    ["Pr\u00e9nom", "Deuxi\u00e8me pr\u00e9nom", "Nom", "Soci\u00e9t\u00e9", "Fonction",
     "Rue (domicile)", "Ville (domicile)", "Code postal (domicile)",
     "Pays/R\u00e9gion (domicile)", "T\u00e9l. mobile", "T\u00e9l\u00e9copie (bureau)",
     "Anniversaire", "Adresse de messagerie", "Notes"],
    ["H\u00e9l\u00e8ne", "", "Lef\u00e8vre", "", "", "12 rue de la Paix", "Paris", "75002",
     "France", "06 12 34 56 78", "01 23 45 67 90", "15/03/1975", "helene@example.fr", ""],
]).encode("utf-8"))

# Thunderbird: the birthday in three columns, "Display Name".
write("thunderbird.csv", csv_rows([
    ["First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Secondary Email",
     "Screen Name", "Work Phone", "Home Phone", "Fax Number", "Pager Number", "Mobile Number",
     "Home Address", "Home Address 2", "Home City", "Home State", "Home ZipCode", "Home Country",
     "Work Address", "Work Address 2", "Work City", "Work State", "Work ZipCode", "Work Country",
     "Job Title", "Department", "Organization", "Web Page 1", "Web Page 2", "Birth Year",
     "Birth Month", "Birth Day", "Custom 1", "Custom 2", "Custom 3", "Custom 4", "Notes", ""],
    ["Kari", "Hansen", "Kari Hansen", "", "kari@example.no", "", "", "+47 22 00 00 00", "",
     "", "", "", "", "", "", "", "", "", "Storgata 1", "Postboks 12", "Oslo", "", "0155", "NO",
     "", "", "", "", "", "", "5", "17", "", "", "", "", "", ""],
]).encode("utf-8"))

# LinkedIn: notes above the header, "Connected On" dates in words.
write("linkedin.csv", ("Notes:\r\n"
    "\"When exporting your connection data, you may notice that some of the email addresses "
    "are missing.\"\r\n\r\n" + csv_rows([
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
         "Connected On"],
        ["Wei", "Zhang", "https://www.linkedin.com/in/wei", "", "Example Ltd", "Engineer",
         "12 Jan 2023"],
        ["=HYPERLINK(\"http://evil.example\",\"x\")", "Attacker", "", "", "", "", "1 Feb 2023"],
    ])).encode("utf-8"))

# Excel "Unicode text": UTF-16LE with a mark, tab between fields, folio's
# own headers, an Apple exporter's "Phone : mobile".
write("excel_utf16_tab.csv", b"\xff\xfe" + csv_rows([
    ["name", "Phone : mobile", "Email : home", "city", "country", "birth_date"],
    ["\u5c71\u7530 \u592a\u90ce", "090-1234-5678", "taro@example.jp", "\u6771\u4eac", "JP",
     "1985-07-04"],
], sep="\t").encode("utf-16-le"))
