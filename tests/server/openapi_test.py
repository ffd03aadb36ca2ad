#!/usr/bin/env python3
"""The OpenAPI document held to the server (issue: a test fails if a route is
missing from it or a response does not match its schema).

1. Every route `mamori serve --routes` lists is a path and method of the
   document served at GET /api/v1/openapi.json, and the document has no route
   the server lacks.
2. The sample town is served and every route is called, as the people and
   systems who use it would (an anonymous caller, a decide token, a read
   token, the 税務課長, the CISO); each answer's body is validated against the
   schema the document gives for its status. A route the run did not call is
   a failure too, so a new route cannot go unchecked.

Usage: openapi_test.py MAMORI_BINARY PACKS_DIR
"""
import http.client
import json
import urllib.parse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

warnings.simplefilter("ignore", DeprecationWarning)  # RefResolver: the API Debian 12's jsonschema 4.10 has
import jsonschema  # noqa: E402

MAMORI, PACKS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run(*args, cwd):
    r = subprocess.run([MAMORI, *args], cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("mamori %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def template_regex(path):
    return "^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"


def main():
    work = tempfile.mkdtemp(prefix="mamori_openapi_")
    db = os.path.join(work, "t.db")
    server = None
    try:
        run("init", "--pack", os.path.join(PACKS, "yasuda"), "--db", db, cwd=work)
        run("sample", "--demo-parameters", "--db", db, cwd=work)
        passwords = {}
        for line in run("account", "issue", "000022", "000001", "--as", "000021", "--db", db, cwd=work).splitlines():
            person, password = line.split("\t")[:2]
            passwords[person] = password
        decide_token = run("token", "issue", "--name", "USB", "--scope", "decide", "--as", "000021", "--db", db, cwd=work).strip()
        read_token = run("token", "issue", "--name", "文書管理", "--scope", "read", "--as", "000021", "--db", db, cwd=work).strip()
        routes = [tuple(l.split(" ", 1)) for l in run("serve", "--routes", cwd=work).splitlines() if l]

        out = open(os.path.join(work, "serve.out"), "w")
        err = open(os.path.join(work, "serve.err"), "w")
        server = subprocess.Popen([MAMORI, "serve", "--db", db, "--listen", "127.0.0.1:0"], cwd=work, stdout=out, stderr=err)
        port = None
        for _ in range(200):
            m = re.search(r"127\.0\.0\.1:([0-9]+)", open(os.path.join(work, "serve.out")).read())
            if m:
                port = int(m.group(1))
                break
            time.sleep(0.1)
        if port is None:
            raise SystemExit("the server did not start: " + open(os.path.join(work, "serve.err")).read())

        def call(method, path, body=None, headers=None, ctype="application/json"):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            h = dict(headers or {})
            data = None
            if body is not None:
                data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
                h["Content-Type"] = ctype
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            data = r.read()
            return r.status, r.getheaders(), data

        status, _, text = call("GET", "/api/v1/openapi.json")
        text = text.decode()
        if status != 200:
            raise SystemExit("GET /api/v1/openapi.json: %d" % status)
        doc = json.loads(text)
        if doc.get("openapi") != "3.1.0":
            fail("the document is not OpenAPI 3.1.0: %r" % doc.get("openapi"))
        jsonschema.Draft202012Validator.check_schema({"$defs": doc["components"]["schemas"]})

        # 1. The route table and the document name the same routes.
        documented = {(m.upper(), p) for p, item in doc["paths"].items() for m in item if m in ("get", "post", "put", "delete", "patch")}
        for r in routes:
            if r not in documented:
                fail("route %s %s is not in the OpenAPI document" % r)
        for r in sorted(documented - set(routes)):
            fail("the OpenAPI document has %s %s, which the server does not answer" % r)

        resolver = jsonschema.RefResolver.from_schema(doc)
        called = set()

        def check(method, path, status, headers, raw, template):
            text = raw.decode("utf-8", "replace")
            called.add((method, template))
            op = doc["paths"].get(template, {}).get(method.lower())
            if op is None:
                fail("%s %s: no operation %s in the document" % (method, path, template))
                return
            resp = op["responses"].get(str(status))
            if resp is None:
                fail("%s %s answered %d, which the document does not give (%s)" % (method, path, status, text[:200]))
                return
            ctype = dict((k.lower(), v) for k, v in headers).get("content-type", "").split(";")[0]
            content = resp.get("content", {})
            if ctype not in content:
                fail("%s %s %d: content type %s not documented" % (method, path, status, ctype))
                return
            if ctype in ("application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                magic = b"%PDF" if ctype == "application/pdf" else b"PK"
                if not raw.startswith(magic):
                    fail("%s %s: the %s does not start as one" % (method, path, ctype))
                return
            body = text if ctype in ("application/x-ndjson", "text/csv", "text/plain") else json.loads(text)
            try:
                jsonschema.Draft202012Validator(content[ctype]["schema"], resolver=resolver).validate(body)
            except jsonschema.ValidationError as e:
                fail("%s %s %d does not match its schema: %s" % (method, path, status, e.message))

        def do(method, path, template, body=None, headers=None, ctype="application/json", expect=None, code=None):
            status, hdrs, raw = call(method, path, body, headers, ctype)
            text = raw.decode("utf-8", "replace")
            if expect is not None and status != expect:
                fail("%s %s: expected %d, got %d (%s)" % (method, path, expect, status, text[:300]))
            if code is not None and json.loads(text).get("code") != code:
                fail("%s %s: expected the code %s, got %s" % (method, path, code, text[:300]))
            check(method, path, status, hdrs, raw, template)
            return status, hdrs, text

        def login(person, password):
            status, hdrs, text = do("POST", "/api/v1/login", "/api/v1/login", {"person": person, "password": password}, expect=200)
            cookie = dict((k.lower(), v) for k, v in hdrs)["set-cookie"].split(";")[0]
            return {"Cookie": cookie, "X-CSRF-Token": json.loads(text)["csrf"]}

        take_out = {"action": "take_out", "resource": "A0000022"}
        do("GET", "/healthz", "/healthz", expect=200)
        do("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", expect=200)
        do("POST", "/api/v1/decide", "/api/v1/decide", dict(take_out, subject="000023"), expect=401)
        do("POST", "/api/v1/decide", "/api/v1/decide", dict(take_out, subject="000023"),
           {"Authorization": "Bearer " + decide_token}, expect=200)
        do("POST", "/api/v1/decide/batch", "/api/v1/decide/batch",
           json.dumps(dict(take_out, subject="000023")) + "\n{\"action\":\n", {"Authorization": "Bearer " + decide_token},
           "application/x-ndjson", expect=200)
        do("POST", "/api/v1/login", "/api/v1/login", {"person": "000022", "password": "wrong"}, expect=401)
        kachou = login("000022", passwords["000022"])
        do("GET", "/api/v1/me", "/api/v1/me", headers=kachou, expect=200)
        do("GET", "/api/v1/cases/inbox", "/api/v1/cases/inbox", headers=kachou, expect=403)  # temporary password
        do("POST", "/api/v1/password", "/api/v1/password", {"current": passwords["000022"], "new": "x"}, kachou, expect=400)
        do("POST", "/api/v1/password", "/api/v1/password", {"current": passwords["000022"], "new": "correct horse battery"}, kachou, expect=200)
        do("POST", "/api/v1/totp/enrol", "/api/v1/totp/enrol", {}, kachou, expect=200)
        do("POST", "/api/v1/totp/confirm", "/api/v1/totp/confirm", {"code": "abc"}, kachou, expect=400)
        ciso = login("000001", passwords["000001"])
        do("POST", "/api/v1/password", "/api/v1/password", {"current": passwords["000001"], "new": "correct horse battery"}, ciso, expect=200)
        # 000023 applies through the CLI (it has no account); the 課長 sees and approves.
        with open(os.path.join(work, "req.json"), "w") as f:
            json.dump(take_out, f)
        case_id = re.search(r"C[0-9]{4}-[0-9]{6}", run("apply", os.path.join(work, "req.json"), "--as", "000023", "--db", db, cwd=work)).group(0)
        do("GET", "/api/v1/cases/inbox", "/api/v1/cases/inbox", headers=kachou, expect=200)
        do("GET", "/api/v1/cases?status=open", "/api/v1/cases", headers=kachou, expect=200)
        do("GET", "/api/v1/cases/" + case_id, "/api/v1/cases/{id}", headers=kachou, expect=200)
        do("GET", "/api/v1/cases/C2026-999999", "/api/v1/cases/{id}", headers=kachou, expect=404, code="E-CASE-005")
        do("POST", "/api/v1/cases/%s/approve" % case_id, "/api/v1/cases/{id}/{verb}", {}, {"Cookie": kachou["Cookie"]}, expect=403)
        do("POST", "/api/v1/cases/%s/approve" % case_id, "/api/v1/cases/{id}/{verb}", {}, kachou, expect=200)
        do("POST", "/api/v1/cases/%s/fly" % case_id, "/api/v1/cases/{id}/{verb}", {}, kachou, expect=404)
        do("POST", "/api/v1/cases", "/api/v1/cases", take_out, kachou, expect=201)
        do("POST", "/api/v1/cases", "/api/v1/cases", {"action": "nothing"}, kachou, expect=400)
        do("POST", "/api/v1/exceptions", "/api/v1/exceptions", {"departs": "第46条第4項", "measure": "避難所で処理", "reason": "庁舎が使えない"}, kachou, expect=201)
        do("POST", "/api/v1/exceptions", "/api/v1/exceptions", {"departs": "第46条第4項"}, kachou, expect=400)
        do("GET", "/api/v1/exceptions", "/api/v1/exceptions", headers=ciso, expect=200)
        do("GET", "/api/v1/exceptions", "/api/v1/exceptions", headers=kachou, expect=403)
        do("POST", "/api/v1/incidents", "/api/v1/incidents", {"what": "USBメモリを紛失した"}, kachou, expect=201)
        do("GET", "/api/v1/registers/assets?limit=2", "/api/v1/registers/{kind}", headers=kachou, expect=200)
        do("GET", "/api/v1/registers/people", "/api/v1/registers/{kind}", headers=kachou, expect=403)
        do("GET", "/api/v1/registers/people?limit=0", "/api/v1/registers/{kind}", headers=ciso, expect=400)
        do("GET", "/api/v1/registers/nothing", "/api/v1/registers/{kind}", headers=ciso, expect=404)
        do("GET", "/api/v1/registers/people/000022", "/api/v1/registers/{kind}/{id}", headers=ciso, expect=200)
        do("GET", "/api/v1/registers/people/999999", "/api/v1/registers/{kind}/{id}", headers=ciso, expect=404, code="E-API-404")
        do("GET", "/api/v1/registers/people?q=000022", "/api/v1/registers/{kind}", headers={"Authorization": "Bearer " + read_token}, expect=200)
        do("GET", "/api/v1/checks", "/api/v1/checks", headers=ciso, expect=200)
        do("GET", "/api/v1/checks", "/api/v1/checks", headers=kachou, expect=403)
        do("GET", "/api/v1/reports/annual?fy=" + urllib.parse.quote("令和8年度") + "&format=pdf", "/api/v1/reports/annual", headers=ciso, expect=200)
        do("GET", "/api/v1/reports/annual?format=xlsx", "/api/v1/reports/annual", headers={"Authorization": "Bearer " + read_token}, expect=200)
        do("GET", "/api/v1/reports/annual?format=doc", "/api/v1/reports/annual", headers=ciso, expect=400)
        do("GET", "/api/v1/ledger/head", "/api/v1/ledger/head", headers={"Authorization": "Bearer " + read_token}, expect=200)
        do("GET", "/api/v1/ledger/inclusion/3", "/api/v1/ledger/inclusion/{entry}", headers=ciso, expect=200)
        do("GET", "/api/v1/ledger/head", "/api/v1/ledger/head", headers=kachou, expect=403)
        # The registers as Excel: out and back in, a dry run, a row that is wrong, and who may.
        run("editors", "set", "ciso", "--as", "000021", "--db", db, cwd=work)
        _, _, people_csv = do("GET", "/api/v1/registers/people/export?format=csv", "/api/v1/registers/{kind}/export", headers=ciso, expect=200)
        status, _, people_xlsx = call("GET", "/api/v1/registers/people/export", headers={"Authorization": "Bearer " + read_token})
        check("GET", "/api/v1/registers/people/export", status, [("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")], people_xlsx, "/api/v1/registers/{kind}/export")
        do("GET", "/api/v1/registers/assets/export?format=csv", "/api/v1/registers/{kind}/export", headers=kachou, expect=200)  # their 課's rows
        do("GET", "/api/v1/registers/people/export", "/api/v1/registers/{kind}/export", headers=kachou, expect=403)
        do("GET", "/api/v1/registers/people/export?format=pdf", "/api/v1/registers/{kind}/export", headers=ciso, expect=400)
        do("POST", "/api/v1/registers/import?kind=people&dry_run=true", "/api/v1/registers/import", people_csv, ciso, "text/csv", expect=200)
        broken = people_csv.replace("2015-04-01", "いつか", 1)
        do("POST", "/api/v1/registers/import?kind=people", "/api/v1/registers/import", broken, ciso, "text/csv", expect=400, code="E-REG-021")
        do("POST", "/api/v1/registers/import?kind=people&dry_run=true", "/api/v1/registers/import", people_csv, kachou, "text/csv", expect=403)
        status, hdrs, raw = call("POST", "/api/v1/registers/import?dry_run=true", people_xlsx, ciso,
                                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        check("POST", "/api/v1/registers/import", status, hdrs, raw, "/api/v1/registers/import")
        if status != 200:
            fail("importing the exported workbook (dry run): %d %s" % (status, raw[:300]))
        # The 年度's work.
        do("GET", "/api/v1/duties", "/api/v1/duties", headers=kachou, expect=200)
        do("GET", "/api/v1/duties?fy=abc", "/api/v1/duties", headers=kachou, expect=400)
        evidence = {"evidence": [{"type": "note", "value": "研修の日程を全課に通知した"}]}
        do("POST", "/api/v1/duties/training-yearly/done", "/api/v1/duties/{id}/done", evidence, ciso, expect=201)
        do("POST", "/api/v1/duties/training-yearly/done", "/api/v1/duties/{id}/done", evidence, kachou, expect=403)
        do("POST", "/api/v1/duties/no-such-duty/done", "/api/v1/duties/{id}/done", evidence, ciso, expect=404, code="E-COMP-002")
        do("POST", "/api/v1/duties/training-yearly/done", "/api/v1/duties/{id}/done", {"evidence": [{"type": "file", "value": "/etc/passwd"}]}, ciso, expect=400)
        do("GET", "/api/v1/training?fy=" + urllib.parse.quote("令和8年度"), "/api/v1/training", headers=ciso, expect=200)
        do("GET", "/api/v1/inspection", "/api/v1/inspection", headers={"Authorization": "Bearer " + read_token}, expect=200)
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        # 000022 answers two forms (税務課 and a system): which one is asked.
        do("GET", "/api/v1/inspection/form", "/api/v1/inspection/form", headers=kachou, expect=400, code="E-API-400")
        status, hdrs, form = call("GET", "/api/v1/inspection/form?role=security_officer&scope=U03", headers=kachou)
        check("GET", "/api/v1/inspection/form", status, hdrs, form, "/api/v1/inspection/form")
        if status != 200:
            fail("the 課長's own inspection form: %d %s" % (status, form[:300]))
        do("GET", "/api/v1/inspection/form", "/api/v1/inspection/form", headers={"Authorization": "Bearer " + read_token}, expect=403)
        status, hdrs, raw = call("POST", "/api/v1/inspection/answers?dry_run=true", form, kachou, xlsx)
        check("POST", "/api/v1/inspection/answers", status, hdrs, raw, "/api/v1/inspection/answers")
        if status != 200:
            fail("the 課長 sending back their own form: %d %s" % (status, raw[:300]))
        status, hdrs, raw = call("POST", "/api/v1/inspection/answers", form, ciso, xlsx)  # another's form
        check("POST", "/api/v1/inspection/answers", status, hdrs, raw, "/api/v1/inspection/answers")
        if status != 403 or json.loads(raw).get("code") != "E-API-403":
            fail("the CISO sending the 課長's form: expected 403 E-API-403, got %d %s" % (status, raw[:300]))
        do("POST", "/api/v1/inspection/answers", "/api/v1/inspection/answers", "not a workbook", kachou, xlsx, expect=400)
        do("GET", "/api/v1/audits", "/api/v1/audits", headers=ciso, expect=200)
        do("GET", "/api/v1/audits", "/api/v1/audits", headers=kachou, expect=200)
        # The ledger for the auditor: consistency by size and by a kept head, the export, the witness lines.
        _, _, witness = do("GET", "/api/v1/ledger/witness", "/api/v1/ledger/witness", headers=ciso, expect=200)
        first_head = witness.splitlines()[0]
        do("GET", "/api/v1/ledger/consistency?from=3", "/api/v1/ledger/consistency", headers=ciso, expect=200)
        do("GET", "/api/v1/ledger/consistency?trusted_head=" + urllib.parse.quote(first_head), "/api/v1/ledger/consistency", headers=ciso, expect=200)
        do("GET", "/api/v1/ledger/consistency?from=x", "/api/v1/ledger/consistency", headers=ciso, expect=400)
        do("GET", "/api/v1/ledger/export", "/api/v1/ledger/export", headers={"Authorization": "Bearer " + read_token}, expect=200)
        do("GET", "/api/v1/cases/%s/proof" % case_id, "/api/v1/cases/{id}/proof", headers=kachou, expect=200)
        do("GET", "/api/v1/cases/C2026-999999/proof", "/api/v1/cases/{id}/proof", headers=ciso, expect=404, code="E-CASE-005")
        do("POST", "/api/v1/logout", "/api/v1/logout", {}, kachou, expect=200)
        do("GET", "/api/v1/me", "/api/v1/me", headers=kachou, expect=401)

        for r in routes:
            if r not in called:
                fail("route %s %s was not called by this test: add a call so its answer is checked" % r)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d problem(s)" % len(failures))
        return 1
    print("OK: %d routes, each documented and each answer valid against its schema" % len(routes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
