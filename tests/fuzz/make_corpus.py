#!/usr/bin/python3
"""make_corpus.py - writes the seed corpora of tests/fuzz (corpus/TARGET/).

    tests/fuzz/make_corpus.py [--build DIR] [--verbose]

DIR is a configured and built tree that holds tests/fuzz/replay_frame_dispatch
(default: build-fuzzreplay, else build, in the source tree). Every seed is
made here, by hand or from what the real server answers: the frame seeds are
requests built from proto/folio.proto, and the ids and tokens some of them
name are learned by serving the requests before them through
replay_frame_dispatch (FOLIO_FUZZ_REPLIES), which is repeatable because the
harness restarts its random source for every input. The bundle seeds are
bundles the real export makes (ExportBegin and ExportChunk through that same
harness), and bundles spoiled from them. The TLS seeds are frames a real client
sends, forged, cut and split, and a ClientHello of Python's TLS client.

Everything but the bytes of an exported bundle is the same on every run;
those carry the time of the export (the header's created_at and the
clients' own times), so regenerating changes the bundle seeds and the frame
seeds that import one, and the TLS seed of a ClientHello (its random), and
nothing else. Files are named after what they
hold; the corpus directories are emptied of *.seed files first, and other
files (minimised crashes, kept as regression inputs) are left alone.
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tools"))
import folio_wire  # noqa: E402  (found through the line above)

frame = folio_wire.frame
CORPUS = os.path.join(HERE, "corpus")
PASSWORD = "fuzz-password-1"  # FUZZ_ADMIN_PASSWORD, every user's password
# Another firm's public key: the first test key of RFC 8032.
OTHER_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

# The first byte of a frame_dispatch input (fuzz_frame_dispatch.c).
NOBODY, ADMIN, MANAGER, AGENT = 0, 1, 2, 3
SLOW_LOCK = 0x04
TIGHT = 0x08
HANG_UP = 0x10

pb = None
verbose = False


def load_proto(tmp):
    global pb
    pb = folio_wire.compile_proto(tmp)


def request(op, **fields):
    """A Request frame whose op is `op`, built from fields."""
    message = getattr(pb, type(getattr(pb.Request(), op)).__name__)(**fields)
    data = folio_wire.request_frame(pb, request.next_id, **{op: message})
    request.next_id += 1
    return data


request.next_id = 1


class Server:
    """Serves inputs through replay_frame_dispatch and returns the replies."""

    def __init__(self, replay, tmp):
        self.replay = replay
        self.tmp = tmp

    def serve(self, first, frames):
        path = os.path.join(self.tmp, "input")
        replies = os.path.join(self.tmp, "replies")
        with open(path, "wb") as f:
            f.write(bytes([first]) + b"".join(frames))
        if os.path.exists(replies):
            os.unlink(replies)
        env = dict(os.environ, FOLIO_FUZZ_REPLIES=replies)
        subprocess.run([self.replay, path], check=True, env=env, stdout=subprocess.DEVNULL)
        with open(replies, "rb") as f:
            got = folio_wire.responses(pb, f.read())
        return got[2:] if first & 3 else got  # the harness's own Hello and Authenticate


def scenario(server, first, steps):
    """Builds an input step by step: each step is a function of the replies
    to the steps before it (run for real) that returns its frames."""
    frames = []
    replies = []
    for i, step in enumerate(steps):
        frames.extend(step(replies))
        if i + 1 < len(steps):
            replies = server.serve(first, frames)
    if verbose:
        for r in server.serve(first, frames):
            print("   ", r.id, pb.Code.Name(r.status.code), r.status.message,
                  r.WhichOneof("result"))
    return bytes([first]) + b"".join(frames)


def last(replies, kind):
    """The last reply holding a result of this kind."""
    for r in reversed(replies):
        if r.WhichOneof("result") == kind:
            return getattr(r, kind)
    raise SystemExit("make_corpus: no %s reply in %s" % (kind, [r.status for r in replies]))


def const(*frames):
    return lambda replies: list(frames)


def write(target, name, data):
    path = os.path.join(CORPUS, target, name + ".seed")
    with open(path, "wb") as f:
        f.write(data)
    if verbose:
        print("%s/%s: %d bytes" % (target, name, len(data)))


# ---------------------------------------------------------------- frames

def client_fields(name="Lucia Mendez", **more):
    fields = dict(name=name, birth_date="1980-04-02", phones=["+51 1 555 0101"],
                  emails=["lucia@example.com"], preferred_channel="email", street="Av. Sol 1",
                  city="Lima", region="Lima", country="PE",
                  marital_status=pb.MARITAL_MARRIED, children=2, income_cents=520000,
                  currency="PEN", employment="engineer", tags=["vip", "family"],
                  consent=pb.Consent(email=True, sms=True), notes="met at the fair",
                  contact_interval_days=30)
    fields.update(more)
    return fields


def export_steps(release):
    """ExportBegin and every ExportChunk of the caller's portfolio."""
    def chunks(replies):
        t = last(replies, "transfer")
        return [request("export_chunk", transfer_id=t.transfer_id, offset=0)]

    return [const(request("export_begin", release=release)), chunks]


def exported_bundle(replies):
    t = [r.transfer for r in replies if r.WhichOneof("result") == "transfer"][0]
    data = b"".join(r.chunk.data for r in replies if r.WhichOneof("result") == "chunk")
    if len(data) != t.size:
        raise SystemExit("make_corpus: the export is %d bytes, the chunks %d" % (t.size, len(data)))
    return data


def agent_portfolio():
    """Requests that give "agent" a full portfolio: events, offers, coupons, a card."""
    def details(replies):
        ids = [c.id for c in last(replies, "clients").clients]
        return [
            request("client_update", id=ids[0], client=pb.Client(consent=pb.Consent(email=True)),
                    fields=["consent"]),
            request("client_update", id=ids[1], client=pb.Client(consent=pb.Consent(post=True)),
                    fields=["consent"]),
            request("event_add", client_id=ids[0], kind="purchase", what="vehicle",
                    amount_cents=1500000, currency="EUR", date="2024-03-01", note="a red car"),
            request("event_add", client_id=ids[0], kind="contact", what="call",
                    date="2024-03-02", follow_up="2024-04-01"),
            request("offer_add", offer=pb.Offer(client_id=ids[0], title="Car insurance",
                                                product="insurance", rate_bp=450,
                                                valid_from="2024-03-01", valid_until="2024-12-31",
                                                channel="email"),
                    date="2024-03-01"),
            request("coupon_issue", coupon=pb.Coupon(client_id=ids[1], partner_id=1,
                                                     discount="10%", valid_until="2024-12-31"),
                    date="2024-03-01"),
            request("profile_set", card=pb.AgentCard(display_name="Agent Smith", phone="555-0100",
                                                     email="agent@example.com", hours="9-17"),
                    fields=["display_name", "phone", "email", "hours"]),
        ]

    return [const(request("client_list")), details]


def frame_seeds(server):
    t = "frame_dispatch"
    hello = lambda: request("hello", protocol_version=1, client_name="seed")

    def seed(name, first, *steps):
        write(t, name, scenario(server, first, list(steps)))

    # Greeting, logging in, and what a stranger may not do.
    seed("hello", NOBODY, const(hello()))
    seed("hello_wrong_version", NOBODY, const(request("hello", protocol_version=2)))
    seed("hello_twice", NOBODY, const(hello(), hello()))
    seed("no_hello", NOBODY, const(request("whoami")))
    seed("no_session", NOBODY, const(hello(), request("client_list")))
    seed("login_agent", NOBODY,
         const(hello(), request("login", username="agent", password=PASSWORD),
               request("whoami")))
    seed("login_unknown", NOBODY,
         const(hello(), request("login", username="nobody", password="x" * 12)))
    seed("login_lockout", SLOW_LOCK,
         const(hello(), request("login", username="agent", password="wrong-password"),
               request("login", username="agent", password="wrong-password"),
               request("login", username="agent", password=PASSWORD)))
    seed("authenticate", NOBODY,
         const(hello(), request("login", username="agent", password=PASSWORD)),
         lambda r: [request("authenticate", token=last(r, "session").token),
                    request("whoami")])
    seed("authenticate_bad", NOBODY, const(hello(), request("authenticate", token="00" * 32)))

    # Framing.
    h = hello()
    write(t, "frame_empty", bytes([NOBODY]) + h + b"\0\0\0\0")
    write(t, "frame_too_large", bytes([NOBODY]) + h + b"\xff\xff\xff\xff")
    write(t, "frame_cut_short", bytes([NOBODY]) + h + struct.pack(">I", 100) + b"\x08\x01")
    write(t, "frame_not_a_request", bytes([NOBODY]) + h + frame(b"\xff\xff\xff\xff"))
    # Field 200, which no Request has: decoded, and answered as unknown.
    write(t, "frame_unknown_op", bytes([NOBODY]) + h + frame(b"\x08\x05\xc0\x0c\x01"))
    write(t, "frame_no_op", bytes([NOBODY]) + h + frame(b"\x08\x05"))
    many = [request("client_list") for _ in range(8)]
    write(t, "tight_pipeline", bytes([AGENT | TIGHT]) + b"".join(many) +
          request("client_add", client=pb.Client(**client_fields(notes="n" * 1500))))

    # The firm-admin.
    seed("admin_reads", ADMIN,
         const(request("whoami"), request("office_list"), request("user_list", limit=2),
               request("audit_query", limit=5), request("stats_get"), request("firm_key"),
               request("trust_list"), request("calendar_get"), request("rule_list"),
               request("partner_list"), request("alert_list", date="2024-05-01")))
    seed("admin_users", ADMIN,
         const(request("office_add", name="Branch"),
               request("user_add", name="newagent", role=pb.ROLE_AGENT, office="Branch",
                       password=PASSWORD),
               request("user_passwd", name="agent2", password="another-password-2"),
               request("user_disable", name="newagent"),
               request("user_unlock", name="agent2"),
               request("user_list", after="agent")))
    seed("admin_rules", ADMIN,
         const(request("rule_add", rule=pb.Rule(on="purchase:vehicle", suggest="insurance",
                                                avoid="loans", window_days=30,
                                                product="car-insurance"))),
         lambda r: [request("rule_remove", id=last(r, "rule").id), request("rule_list")])
    seed("admin_calendar", ADMIN,
         const(request("calendar_set", calendar=pb.Calendar(season_months=[11, 12],
                                                            stay_in_touch_days=45),
                       fields=["season_months", "stay_in_touch_days"]),
               request("occasion_add", occasion=pb.Occasion(name="founders-day", month=5,
                                                            day=17)),
               request("occasion_remove", name="founders-day"), request("calendar_get")))
    seed("admin_partners_alerts", ADMIN,
         const(request("partner_add", partner=pb.Partner(name="Cinema Lux", category="cinema",
                                                         city="Lima")),
               request("alert_add", alert=pb.Alert(kind="flood", city="Lima", date="2024-05-01",
                                                   until="2024-05-09", note="river")),
               request("alert_list", date="2024-05-02", include_ended=True)),
         lambda r: [request("alert_end", id=last(r, "alerts").alerts[0].id, date="2024-05-03")])
    seed("admin_trust", ADMIN,
         const(request("firm_key")),
         lambda r: [request("trust_add", firm="Own Firm", public_key=last(r, "firm_key").public_key),
                    request("trust_add", firm="Other Firm", public_key=OTHER_KEY),
                    request("trust_list"), request("trust_remove", firm="Other Firm")])
    seed("admin_backup", ADMIN, const(request("backup_begin", passphrase="fuzz backup passphrase")))
    seed("admin_reassign", ADMIN,
         const(request("reassign", **{"from": "agent", "to": "agent2", "dry_run": True}),
               request("reassign", **{"from": "agent", "to": "agent2"})),
         lambda r: [request("reassign_undo", id=1), request("client_list")])
    seed("admin_client_read", ADMIN,
         const(request("login", username="agent", password=PASSWORD), request("client_list")),
         lambda r: [request("login", username="admin", password=PASSWORD),
                    request("client_get", id=last(r, "clients").clients[0].id,
                            firm_admin_read=True)])
    seed("admin_password_logout", ADMIN,
         const(request("password_change", old_password=PASSWORD,
                       new_password="a-new-password-1"),
               request("logout"), request("whoami")))
    seed("admin_restore", ADMIN, const(request("restore_transferred", agent="agent")))

    # The office-admin.
    seed("manager", MANAGER,
         const(request("whoami"), request("user_list"),
               request("user_add", name="trainee", role=pb.ROLE_AGENT, office="Main",
                       password=PASSWORD),
               request("export_begin", agent="agent"), request("audit_query", actor="agent")))

    # An agent and its clients.
    seed("agent_clients", AGENT,
         const(request("client_list", limit=1)),
         lambda r: [request("client_list", after=last(r, "clients").next)],
         lambda r: (lambda ids: [
             request("client_get", id=ids[0]),
             request("client_update", id=ids[0], client=pb.Client(city="Milan", tags=["new"]),
                     fields=["city", "tags"], if_version=1),
             request("event_add", client_id=ids[0], kind="life", what="married",
                     date="2024-02-01"),
             request("event_add", client_id=ids[0], kind="income", amount_cents=700000,
                     currency="EUR", date="2024-02-02"),
             request("client_history", id=ids[0], limit=10),
             request("client_erase", id=ids[0]),
             request("client_get", id=ids[0])])(
             [c.id for c in last(r[:1], "clients").clients] +
             [c.id for c in last(r, "clients").clients]))
    seed("agent_client_add", AGENT,
         const(request("client_add", client=pb.Client(**client_fields(
             purchases=[pb.Purchase(kind="home", date="2020-01-01", note="flat")],
             income_history=[pb.IncomeChange(amount_cents=400000, currency="PEN",
                                             date="2019-01-01")],
             children_birth_years=[2010, 2014]))),
               request("client_list")))
    seed("agent_segment_agenda", AGENT,
         const(request("segment", city="Turin", age_min=18, age_max=90, date="2024-06-01",
                       consent="email", tag="vip"),
               request("agenda", date="2024-12-01", days=31),
               request("agenda", days=400)))
    seed("agent_portfolio", AGENT, *agent_portfolio(),
         lambda r: (lambda offers_client: [
             request("offer_list", client_id=offers_client, date="2024-03-02", limit=5),
             request("offer_set", id=1, status="accepted", date="2024-03-03"),
             request("coupon_list"),
             request("profile_get"),
             request("agenda", date="2024-03-25", days=60),
             request("segment", consent="email", purchased="vehicle", income_trend="up"),
             request("client_get", id=offers_client)])(last(r, "clients").clients[0].id))
    seed("agent_coupon", AGENT,
         const(request("client_list")),
         lambda r: [request("client_update", id=last(r, "clients").clients[0].id,
                            client=pb.Client(consent=pb.Consent(sms=True)), fields=["consent"]),
                    request("coupon_issue",
                            coupon=pb.Coupon(client_id=last(r, "clients").clients[0].id,
                                             partner_id=1, discount="2x1",
                                             valid_until="2099-12-31"),
                            date="2024-03-01")],
         lambda r: [request("coupon_redeem", code=last(r, "coupon").code, date="2024-03-03"),
                    request("coupon_redeem", code=last(r, "coupon").code, date="2024-03-04"),
                    request("coupon_redeem", code="ABCD-EFGH-JKLM-NPQR", date="2024-03-03")])
    seed("agent_watch", AGENT,
         const(request("watch"), request("whoami")))
    seed("agent_client_import", AGENT,
         const(request("client_import", clients=[pb.Client(**client_fields()),
                                                 pb.Client(name="Tomas Perez", city="Cusco"),
                                                 pb.Client(name="")],
                       lines=[2, 3, 4], dry_run=True),
               request("client_import", clients=[pb.Client(name="Tomas Perez", city="Cusco")],
                       lines=[2])))

    # Export, then the same bundle imported again after the clients were
    # released: the whole way in and out.
    out = scenario(server, AGENT, agent_portfolio() + export_steps(release=True)[:1] +
                   [lambda r: [request("export_chunk",
                                       transfer_id=last(r, "transfer").transfer_id, offset=0)]])
    write(t, "agent_export", out)
    replies = server.serve(out[0], [out[1:]])
    bundle = exported_bundle(replies)

    def import_begin(replies):
        return [request("import_begin", size=len(bundle))]

    def import_rest(replies):
        tid = last(replies, "transfer").transfer_id
        return [request("import_chunk", transfer_id=tid, offset=0, data=bundle),
                request("import_commit", transfer_id=tid, allow_untrusted=True, dry_run=True),
                request("import_begin", size=len(bundle))]

    def import_again(replies):
        tid = last(replies, "transfer").transfer_id
        return [request("import_chunk", transfer_id=tid, offset=0, data=bundle),
                request("import_commit", transfer_id=tid, allow_untrusted=True),
                request("client_list")]

    both = scenario(server, AGENT, [const(request("client_list"))] + agent_portfolio()[1:] +
                    export_steps(release=True) + [import_begin, import_rest, import_again])
    write(t, "agent_export_import", both)
    # The same, and a login, with the peer gone before the answers.
    write(t, "hang_up_export_import", bytes([AGENT | HANG_UP]) + both[1:])
    write(t, "hang_up_login", bytes([NOBODY | HANG_UP]) + hello() +
          request("login", username="agent", password=PASSWORD) +
          request("login", username="agent", password="wrong-password"))
    return bundle


# ---------------------------------------------------------------- bundles

def bundle_seeds(server, bundle):
    t = "bundle"
    write(t, "export", bundle)
    # An empty portfolio: "agent2" has no client.
    empty = scenario(server, ADMIN, [
        const(request("login", username="agent2", password=PASSWORD), request("export_begin")),
        lambda r: [request("export_chunk", transfer_id=last(r, "transfer").transfer_id)]])
    write(t, "export_empty", exported_bundle(server.serve(empty[0], [empty[1:]])))
    write(t, "cut_in_a_record", bundle[:len(bundle) // 2])
    write(t, "no_trailer", bundle[:-(8 + 64 + 64)])
    spoiled = bytearray(bundle)
    spoiled[len(bundle) // 2] ^= 0x20
    write(t, "changed_after_signing", bytes(spoiled))
    write(t, "bad_magic", b"FOLIOBNX" + bundle[8:])
    write(t, "version_2", bundle[:8] + struct.pack(">I", 2) + bundle[12:])
    write(t, "record_too_long", bundle[:12] + b"\x7f\xff\xff\xff" + bundle[16:])
    write(t, "trailing_bytes", bundle + b"\0")


# ---------------------------------------------------------------- CSV

CSV_HEADER = ("name,birth_date,phones,emails,preferred_channel,street,city,region,country,"
              "marital_status,children,income,currency,employment,tags,consent,"
              "contact_interval_days,notes")


def csv_seeds():
    t = "csv"
    write(t, "export_format", (
        CSV_HEADER + "\r\n"
        "Lucia Mendez,1980-04-02,+51 1 555 0101; +51 1 555 0102,lucia@example.com,email,"
        "Av. Sol 1,Lima,Lima,PE,married,2,5200.50,PEN,engineer,vip; family,email; sms,30,"
        "\"met at the fair, twice\"\r\n"
        "\"O'Brien, Zo\u00eb \"\"Zo\"\"\",,,,,,Dublin,,IE,single,,,,,,,,\"two\r\nlines\"\r\n"
    ).encode())
    write(t, "any_order_and_case", (
        "\ufeffCity,NAME,id,Tags\nLima,Ana,123,a;b;;c\nCusco,Luis,456,\n\n").encode())
    write(t, "ragged_rows", b"name,city\nAna\nLuis,Cusco,extra\nEva,Lima,,\n")
    write(t, "unknown_and_twice", b"name,favourite,name\nAna,blue,Ann\n")
    write(t, "no_name_column", b"city,country\nLima,PE\n")
    write(t, "bad_values", (
        "name,children,income,marital_status,consent,contact_interval_days\n"
        "Ana,two,12.345,complicated,fax,9999999999\n"
        "Luis,3,1e5,MARRIED,EMAIL; Post,7\n").encode())
    write(t, "misplaced_quote", b"name,city\nAna,Li\"ma\n")
    write(t, "unclosed_quote", b"name,city\nAna,\"Lima\n")
    write(t, "not_utf8", b"name,city\nAna,Lim\xe1\n")
    write(t, "nul_byte", b"name,city\nAna,Li\0ma\n")
    write(t, "empty", b"")
    write(t, "header_only", b"name\r\n")
    write(t, "cr_line_ends", b"name,city\rAna,Lima\rLuis,Cu\"sco\r")
    write(t, "long_list", ("name,tags\nAna," + "; ".join("t%d" % i for i in range(70)) +
                           "\n").encode())
    # Other programs' exports: Google's numbered columns and " ::: ", Outlook
    # in German (";", windows-1252, dates day first), Thunderbird's birthday
    # columns, LinkedIn's notes above the header, Excel's UTF-16 with tabs.
    write(t, "google", (
        "Name,Given Name,Family Name,Birthday,Group Membership,E-mail 1 - Value,Phone 1 - Type,"
        "Phone 1 - Value,Address 1 - Street,Address 1 - City,Address 1 - Country,"
        "Organization 1 - Name\r\n"
        "Ana Torres,Ana,Torres,--04-15,* myContacts ::: Golf,a@x.pe ::: b@x.pe,Work Fax,"
        "+51 1 555 0100 ::: tel:+1-418-656-9254;ext=102,\"Av. Sol 1\nDpto 2\",Lima,Peru,Acme\r\n"
        ",,,12/28/1969,,,,,,,,\r\n").encode())
    write(t, "outlook_de", (
        "Anrede;Vorname;Nachname;Position;Job Title;Telefon gesch\u00e4ftlich;Mobiltelefon;"
        "Geburtstag;Kategorien;Stra\u00dfe privat;Land/Region privat\r\n"
        "Herr;J\u00f6rg;Schr\u00f6der;Inhaber;;089/12 34-56;+49 170 1234567 x12;28.12.1969;"
        "Kunden,VIP;Kirchstr. 7;Deutschland\r\n").encode("cp1252"))
    write(t, "thunderbird", (
        "First Name,Last Name,Display Name,Birth Year,Birth Month,Birth Day,Work Address,"
        "Work Address 2,Work City\nKari,Hansen,,1890,2,29,Storgata 1,Postboks 12,Oslo\n").encode())
    write(t, "linkedin", (
        "Notes:\n\"Some e-mail addresses are missing.\"\n\nFirst Name,Last Name,Company,"
        "Position,Connected On\nWei,Zhang,Example,Engineer,12 Jan 2023\n").encode())
    write(t, "excel_utf16_tab", b"\xff\xfe" + (
        "name\tPhone : mobile\tbirth_date\n\u5c71\u7530\t\uff10\uff19\uff10-1234\t05/04/1980\n")
        .encode("utf-16-le"))


# ---------------------------------------------------------------- vCard

def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def vcard_seeds():
    t = "vcard"
    write(t, "v3", (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Mendez;Lucia;;;\r\nFN:Lucia Mendez\r\n"
        "BDAY:1980-04-02\r\nTEL;TYPE=CELL:+51 1 555 0101\r\nEMAIL;TYPE=INTERNET:lucia@example.com\r\n"
        "ADR;TYPE=HOME:;;Av. Sol 1;Lima;Lima;15001;PE\r\nNOTE:met at the fair\\, twice\\nagain\r\n"
        "END:VCARD\r\n").encode())
    write(t, "v4_folded", (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zo\u00eb O'Brien with a name long enough to be folded "
        "over\r\n  two lines\r\nBDAY:19900102T101010Z\r\nTEL;VALUE=uri:tel:+353-1-555-0101\r\n"
        "EMAIL:mailto:zoe@example.ie\r\nitem1.EMAIL:zoe@work.example\r\n"
        "ADR:;;1 Main St;Dublin;;;Ireland\r\nEND:VCARD\r\n").encode())
    write(t, "v21_quoted_printable", (
        "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg\n"
        "NOTE;QUOTED-PRINTABLE:line one=0D=0Aline two=\nTEL;HOME:555\nEND:VCARD\n").encode())
    write(t, "two_cards_and_noise", (
        "junk before\nBEGIN:VCARD\nFN:Ana\nBDAY:--0412\nEND:VCARD\n"
        "between\nBEGIN:VCARD\nN:Perez;Luis\nBDAY:20241301\nX-CUSTOM;TYPE=\"a:b\":v\n"
        "line without colon\nEND:VCARD\n").encode())
    write(t, "errors", (
        "BEGIN:VCARD\nFN:Nested\nBEGIN:VCARD\nEND:VCARD\n"
        "BEGIN:VCARD\nNOTE:no name\nEND:VCARD\n"
        "BEGIN:VCARD\nFN:Bad \xff byte\nEND:VCARD\n"
        "BEGIN:VCARD\nFN:No end\n").encode("latin-1"))
    write(t, "many_values", ("BEGIN:VCARD\nFN:Many\n" +
                             "".join("TEL:%d\nEMAIL:e%d@x.org\n" % (i, i) for i in range(10)) +
                             "ADR:;;a;b;c;d;ee\nADR:;;second\nNOTE:1\nNOTE:2\nEND:VCARD\n").encode())
    write(t, "long_property", ("BEGIN:VCARD\nFN:Long\nNOTE:" + "x" * 17000 + "\nEND:VCARD\n")
          .encode())
    write(t, "no_card", b"FN:Nobody\n")
    # A CR that trimming leaves in, and that an export drops.
    write(t, "cr_in_values", b"BEGIN:VCARD\nFN:\rAna\nADR:;;a;b;c;d;\rP\nEND:VCARD\n")
    # The charsets 2.1 names per property, and a value in none of them.
    write(t, "v21_charsets", crlf(
        "BEGIN:VCARD\nVERSION:2.1\n".encode() +
        "N;CHARSET=SHIFT_JIS:\u5c71\u7530;\u592a\u90ce\n".encode("shift_jis") +
        "FN;CHARSET=ISO-8859-1:Jos\u00e9 M\u00fcller\n".encode("latin-1") +
        "ORG;CHARSET=windows-1252:Caf\u00e9 \u20ac\n".encode("cp1252") +
        b"TITLE;CHARSET=NO-SUCH-CHARSET:x\nNOTE:C:\\Users\\ana\nX-BIN:\xff\xfe\nEND:VCARD\n"))
    # Quoted-printable soft line breaks, a =0D=0A inside an ADR street.
    write(t, "v21_qp_soft_breaks", crlf(
        b"BEGIN:VCARD\nVERSION:2.1\n"
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Michael Br=\n=C3=BCning\n"
        b"ADR;HOME;ENCODING=QUOTED-PRINTABLE:;;Street 1=0D=0A=\nBack house;Town;;12345;DE\n"
        b"TEL;WORK;FAX:+49 (0)30 1234-5,,12\nEND:VCARD\n"))
    card = ("BEGIN:VCARD\nVERSION:3.0\nFN:\u0410\u043d\u043d\u0430\nTEL;TYPE=CELL:+7 912 345\n"
            "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\nCATEGORIES:VIP,Family\nEND:VCARD\n")
    write(t, "utf16le_bom", b"\xff\xfe" + card.encode("utf-16-le"))
    write(t, "utf16be_no_bom", card.encode("utf-16-be"))
    write(t, "cr_line_ends", card.replace("\n", "\r").encode())
    write(t, "photo_and_tel_uri", (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Photo\r\nPHOTO:data:image/jpeg;base64," + "QUJD" * 5000 +
        "\r\nTEL;VALUE=uri;TYPE=\"voice,work\":tel:+1-418-656-9254;ext=102\r\n"
        "TEL:+1-800-FLOWERS\r\nBDAY:--0229\r\nEND:VCARD\r\n").encode())


# ---------------------------------------------------------------- TLS

# The header of a fuzz_tls input (fuzz_tls.c): without TLS_12 or TLS_FULL,
# the client resumes a TLS 1.3 session.
TLS_RAW, TLS_FORGE, TLS_TRUNCATE, TLS_CLOSE = 0x01, 0x02, 0x04, 0x08
TLS_12, TLS_FULL = 0x10, 0xf0  # TLS 1.2 resumed; a full TLS 1.3 handshake


def tls_input(flags, plaintext, piece=0, forge_at=0, xor=0, cut_at=0, write=0):
    return (bytes([flags, piece]) + struct.pack(">H", forge_at) + bytes([xor]) +
            struct.pack(">H", cut_at) + bytes([write]) + plaintext)


def client_hello():
    """A ClientHello as Python's TLS client (OpenSSL) writes it."""
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    conn = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        conn.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def tls_seeds():
    t = "tls"
    frames = (request("hello", protocol_version=1, client_name="seed") +
              request("login", username="agent", password=PASSWORD) + request("whoami"))
    write(t, "frames", tls_input(TLS_CLOSE, frames))
    write(t, "split_at_every_byte", tls_input(TLS_CLOSE, frames, piece=1, write=1))
    write(t, "frames_across_records", tls_input(TLS_CLOSE, frames, piece=7, write=5))
    # The client's bytes, resuming TLS 1.3: its ClientHello (568 bytes,
    # the ticket from about 300 and the binder in its last 51), its
    # Finished (80), then records (the frames' from 648).
    write(t, "forged_client_hello", tls_input(TLS_FORGE, frames, forge_at=60, xor=0x40))
    write(t, "forged_ticket", tls_input(TLS_FORGE, frames, forge_at=400, xor=0x01))
    write(t, "forged_binder", tls_input(TLS_FORGE, frames, forge_at=550, xor=0x01))
    write(t, "forged_record", tls_input(TLS_FORGE | TLS_CLOSE, frames, forge_at=690, xor=0x01))
    write(t, "truncated_handshake", tls_input(TLS_TRUNCATE, frames, cut_at=100))
    write(t, "truncated_record", tls_input(TLS_TRUNCATE, frames, piece=3, cut_at=700))
    # Resuming TLS 1.2: a ClientHello of 380 bytes, the Finished (51),
    # then the frames' record from 431.
    write(t, "tls12_frames", tls_input(TLS_12 | TLS_CLOSE, frames))
    write(t, "tls12_split_at_every_byte", tls_input(TLS_12 | TLS_CLOSE, frames, piece=1, write=1))
    write(t, "tls12_forged_record", tls_input(TLS_12 | TLS_FORGE | TLS_CLOSE, frames, forge_at=480,
                                              xor=0x01))
    write(t, "tls12_truncated_record", tls_input(TLS_12 | TLS_TRUNCATE, frames, piece=3,
                                                 cut_at=470))
    # A full handshake: a ClientHello of 297 bytes, the Finished (80),
    # then the frames' record from 377.
    write(t, "full_frames", tls_input(TLS_FULL | TLS_CLOSE, frames))
    write(t, "full_forged_client_hello", tls_input(TLS_FULL | TLS_FORGE, frames, forge_at=60,
                                                   xor=0x40))
    write(t, "full_forged_record", tls_input(TLS_FULL | TLS_FORGE | TLS_CLOSE, frames,
                                             forge_at=420, xor=0x01))
    write(t, "full_truncated_handshake", tls_input(TLS_FULL | TLS_TRUNCATE, frames, cut_at=100))
    write(t, "frame_too_large", tls_input(TLS_CLOSE, b"\0\1\0\0" + b"x" * 64))
    write(t, "frame_empty", tls_input(TLS_CLOSE, frames[:20] + b"\0\0\0\0"))
    write(t, "raw_client_hello", tls_input(TLS_RAW, client_hello(), piece=5))
    write(t, "raw_not_tls", tls_input(TLS_RAW, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"))


def main():
    global verbose
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", help="the build tree (default: build-fuzzreplay, else build)")
    parser.add_argument("--verbose", action="store_true", help="print every seed and reply")
    args = parser.parse_args()
    verbose = args.verbose
    builds = [args.build] if args.build else [os.path.join(SOURCE, "build-fuzzreplay"),
                                              os.path.join(SOURCE, "build")]
    replay = None
    for b in builds:
        path = os.path.join(b, "tests", "fuzz", "replay_frame_dispatch")
        if os.access(path, os.X_OK):
            replay = path
            break
    if replay is None:
        sys.exit("make_corpus: no tests/fuzz/replay_frame_dispatch in %s: build it first"
                 % " or ".join(builds))
    for target in ("frame_dispatch", "bundle", "csv", "vcard", "tls"):
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            if name.endswith(".seed"):
                os.unlink(os.path.join(d, name))
    with tempfile.TemporaryDirectory(prefix="folio-corpus.") as tmp:
        load_proto(tmp)
        server = Server(replay, tmp)
        bundle = frame_seeds(server)
        bundle_seeds(server, bundle)
        tls_seeds()
    csv_seeds()
    vcard_seeds()


if __name__ == "__main__":
    main()
