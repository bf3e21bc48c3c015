#!/usr/bin/python3
"""The web interface in a real browser: Debian's Chromium driven by Selenium against the real `ejournal serve` on
127.0.0.1 over HTTPS (a self-signed certificate made here), with the tiny sample ingested and one user per role.

For each role it logs in and does the role's main task end to end, takes a screenshot of each main page into the
output directory, and checks that no page logged a JavaScript error. Plus: a page a role may not see is refused
with a Russian 403 page, a form without its CSRF token is refused, a session ends at logout, and the security
headers and cookie attributes are set.

    web_test.py --ejournal build/app/ejournal --source . --out build/tests/web/out [--docs docs/images]

--docs also copies the main pages' screenshots to docs/images/web-<role>.png (docs/web.md shows them).
"""

import argparse
import http.client
import io
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import zipfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import (ElementClickInterceptedException, StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "Web-test-2025!"
NOW = "2025-09-15T12:00:00"  # the service's clock: inside the tiny sample's two weeks

USERS = [  # login, role, full name, staff id
    ("admin", "admin", "Администратор ЭЖ", ""),
    ("deputy", "deputy", "Зайцева Ольга Викторовна", ""),
    ("secretary", "secretary", "Соколова Ирина Павловна", ""),
    ("secretary2", "secretary", "Орлова Дарья Андреевна", ""),
    ("classteacher", "class_teacher", "Иванова Марина Петровна", "t3"),
    ("teacher", "teacher", "Морозова Анна Владимировна", "t6"),
    ("auditor", "auditor", "Смирнов Павел Ильич", ""),
    ("inspector", "region_inspector", "Кузнецова Елена Сергеевна", ""),
]
SCHOOL_B = "МБОУ СОШ № 7"  # the second school of the store: tiny.xml under another id and name

failures = []


def check(cond, what):
    if cond:
        print("  ok:", what)
    else:
        print("  FAILED:", what)
        failures.append(what)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    env = dict(os.environ, EJOURNAL_NOW=NOW)
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r.stdout


class Site:
    """Plain HTTPS requests to the service (for what a browser does not show: status codes, headers, files)."""

    def __init__(self, port):
        self.port = port
        self.ctx = ssl.create_default_context()
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE

    def request(self, method, path, cookie=None, form=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=60)
        headers = {}
        body = None
        if cookie:
            headers["Cookie"] = cookie
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        headers = r.getheaders()
        conn.close()
        return r.status, dict((k.lower(), v) for k, v in headers), data, [v for k, v in headers if k.lower() == "set-cookie"]


def browser_cookie(driver):
    return "; ".join("%s=%s" % (c["name"], c["value"]) for c in driver.get_cookies())


def pdf_text(data, tmp):
    path = os.path.join(tmp, "x-%d.pdf" % len(data))
    with open(path, "wb") as f:
        f.write(data)
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


class Browser:
    def __init__(self, tmp, base, out):
        opts = webdriver.ChromeOptions()
        for a in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--ignore-certificate-errors", "--window-size=1366,768", "--lang=ru-RU",
                  "--user-data-dir=" + os.path.join(tmp, "chrome-profile")]:
            opts.add_argument(a)
        opts.binary_location = "/usr/bin/chromium"
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        self.driver.set_page_load_timeout(120)
        self.base = base
        self.out = out
        self.shots = {}

    def get(self, path):
        self.driver.get(self.base + path)
        self.no_js_errors(path)

    def no_js_errors(self, where):
        severe = [e for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]
        check(not severe, "no JavaScript error on %s %s" % (where, severe if severe else ""))

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def login(self, login, password=PASSWORD):
        self.driver.delete_all_cookies()
        self.get("/login")
        self.driver.find_element(By.ID, "login").send_keys(login)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
        WebDriverWait(self.driver, 60).until(lambda d: "/login" not in d.current_url)
        self.no_js_errors("after login of " + login)

    def logout(self):
        self.driver.find_element(By.ID, "logout").click()
        WebDriverWait(self.driver, 30).until(lambda d: "/login" in d.current_url)

    def shot(self, name, full=True):
        d = self.driver
        if full:
            height = d.execute_script("return document.documentElement.scrollHeight")
            d.set_window_size(1366, max(768, min(int(height) + 20, 2400)))
        path = os.path.join(self.out, "web-%s.png" % name)
        d.save_screenshot(path)
        d.set_window_size(1366, 768)
        self.shots[name] = path
        print("  screenshot:", path)

    def navigate(self, element, timeout=60):
        """Clicks a link or a form's button and waits until the next page has replaced this one (a click does not
        wait for the navigation it starts; on a loaded machine the old page is still there right after it)."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        try:
            element.click()
        except ElementClickInterceptedException:  # a form at the foot of a page the screenshot made tall
            self.driver.execute_script("arguments[0].click()", element)

        def replaced(_):
            try:
                page.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as e:  # chromedriver's other word for a node of a page that is gone
                if "does not belong to the document" in str(e):
                    return True
                raise

        WebDriverWait(self.driver, timeout).until(replaced)
        WebDriverWait(self.driver, timeout).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def wait_text(self, css, timeout=120):
        WebDriverWait(self.driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))
        return self.driver.find_element(By.CSS_SELECTOR, css).text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ejournal", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--docs")
    args = ap.parse_args()
    ej = os.path.abspath(args.ejournal)
    src = os.path.abspath(args.source)
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    tmp = tempfile.mkdtemp(prefix="ejournal-web-")
    serve = None
    browser = None
    try:
        # ---- the service: store, users, certificates, configuration ----
        db = os.path.join(tmp, "ejournal.db")
        run([ej, "ingest", os.path.join(src, "samples", "tiny.xml"), "--db", db])
        pw = os.path.join(tmp, "password")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
        os.chmod(pw, 0o600)
        for login, role, name, staff in USERS:
            cmd = [ej, "user", "add", login, "--role", role, "--name", name, "--password-file", pw,
                   "--iterations", "100000", "--db", db]
            if staff:
                cmd += ["--staff", staff]
            if not role.startswith("region_"):
                cmd += ["--school", "stupeni"]
            run(cmd)
        # A second school in the store, for the regional inspector's pages.
        other = open(os.path.join(src, "samples", "tiny.xml"), encoding="utf-8").read()
        other = re.sub(r'<school id="stupeni" fullName="[^"]*" shortName="[^"]*"',
                       '<school id="school-b" fullName="Муниципальное бюджетное общеобразовательное учреждение '
                       '«Средняя общеобразовательная школа № 7»" shortName="%s"' % SCHOOL_B, other)
        other_xml = os.path.join(tmp, "school-b.xml")
        with open(other_xml, "w", encoding="utf-8") as f:
            f.write(other)
        run([ej, "ingest", other_xml, "--db", db])
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
                        "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
                        os.path.join(tmp, "tls.key"), "-out", os.path.join(tmp, "tls.crt")],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "3650", "-utf8", "-subj", "/CN=МАОУ лицей «Ступени» (тест)",
                        "-keyout", os.path.join(tmp, "sign.key"), "-out", os.path.join(tmp, "sign.crt")],
                       check=True, capture_output=True)
        port = free_port()
        archive_dir = os.path.join(tmp, "archive")
        props = os.path.join(tmp, "service.properties")
        with open(props, "w") as f:
            f.write("\n".join([
                "db = " + db, "https.address = 127.0.0.1", "https.port = %d" % port,
                "https.certificate = " + os.path.join(tmp, "tls.crt"),
                "https.privateKey = " + os.path.join(tmp, "tls.key"),
                "work.dir = " + os.path.join(tmp, "var"), "archive.dir = " + archive_dir,
                "archive.key = " + os.path.join(tmp, "sign.key"), "archive.cert = " + os.path.join(tmp, "sign.crt"),
                "log.file = " + os.path.join(out, "service.log"), "log.console = false",
                "auth.passwordIterations = 1000", ""]))
        serve = subprocess.Popen([ej, "serve", "--config", props], env=dict(os.environ, EJOURNAL_NOW=NOW),
                                 stdout=open(os.path.join(out, "serve.out"), "w"), stderr=subprocess.STDOUT)
        site = Site(port)
        for _ in range(300):
            try:
                if site.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if serve.poll() is not None:
                raise RuntimeError("ejournal serve exited: " + open(os.path.join(out, "serve.out")).read())
            time.sleep(0.2)
        base = "https://127.0.0.1:%d" % port
        print("service at", base)

        # ---- no page template may print a value unescaped ----
        for root, _, files in os.walk(os.path.join(src, "templates", "web")):
            for name in files:
                if name.endswith(".mustache"):
                    text = open(os.path.join(root, name), encoding="utf-8").read()
                    check("{{{" not in text and "{{&" not in text, "template %s escapes every value" % name)

        # ---- headers and the login cookie ----
        status, headers, body, cookies = site.request("GET", "/login")
        check(status == 200 and "Вход" in body.decode(), "the login page is served")
        csp = headers.get("content-security-policy", "")
        check("unsafe-inline" not in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp,
              "CSP without unsafe-inline: " + csp)
        check(headers.get("x-frame-options") == "DENY", "X-Frame-Options: DENY")
        check(not re.search(r"<script>|<script(?![^>]*src=)|style=", body.decode()), "no inline script or style")
        login_cookie = [c for c in cookies if c.startswith("ejournal_login=")][0].split(";")[0]
        login_csrf = login_cookie.split("=", 1)[1]
        status, headers, _, cookies = site.request("POST", "/login", cookie=login_cookie,
                                                   form={"csrf": login_csrf, "login": "admin", "password": PASSWORD})
        session = [c for c in cookies if c.startswith("ejournal_session=")]
        check(status == 303 and session, "a login sets the session cookie")
        attrs = session[0] if session else ""
        check("HttpOnly" in attrs and "Secure" in attrs and "SameSite=Strict" in attrs,
              "the session cookie is HttpOnly, Secure, SameSite=Strict: " + attrs)
        status, _, body, _ = site.request("POST", "/login", cookie="",
                                          form={"login": "admin", "password": PASSWORD})
        check(status == 403, "a login form without its CSRF value is refused (%d)" % status)

        browser = Browser(tmp, base, out)
        b = browser

        # ---- deputy: the month's check, the справка PDF ----
        print("deputy")
        b.login("deputy")
        check("/check" in b.driver.current_url, "the deputy lands on the check")
        Select(b.driver.find_element(By.ID, "month")).select_by_value("2025-09")
        b.navigate(b.driver.find_element(By.ID, "show"))
        b.no_js_errors("/check?month=2025-09")
        table = b.driver.find_element(By.ID, "check-table").text
        check("Морозова" in table and "Иванова" in table and "5А" in table and "8Б" in table,
              "the check lists teachers, classes and subjects")
        page = b.text()
        check("МАОУ лицей «Ступени»" in page and "1 четверть" in page, "the header names the school and period")
        check("01.09.2025" in page and "30.09.2025" in page, "dates as 01.09.2025")
        summaries = b.driver.find_elements(By.CSS_SELECTOR, "#check-table details summary")
        check(len(summaries) > 0, "rows have their findings one click away")
        if summaries:
            summaries[0].click()
            items = b.driver.find_elements(By.CSS_SELECTOR, "#check-table details[open] li")
            check(items and re.search(r"\d\d\.\d\d\.2025", items[0].text), "a finding shows its date")
        drawn = b.driver.execute_script(
            "return Array.from(document.querySelectorAll('canvas[data-chart]')).filter("
            "c => window.Chart && Chart.getChart(c)).length")
        check(drawn >= 3, "the three charts are drawn (%s)" % drawn)
        b.shot("deputy")
        href = b.driver.find_element(By.ID, "control-pdf").get_attribute("href")
        status, headers, pdf, _ = site.request("GET", urllib.parse.urlsplit(href).path + "?" +
                                               urllib.parse.urlsplit(href).query, cookie=browser_cookie(b.driver))
        check(status == 200 and headers.get("content-type") == "application/pdf", "the справка downloads as PDF")
        text = pdf_text(pdf, tmp)
        check("СПРАВКА по итогам проверки" in text and "Ступени" in text and "01.09.2025" in text,
              "pdftotext finds the справка's title, school and dates: " + text[:200].replace("\n", " "))
        b.get("/report?kind=substitutions&month=2025-09")
        check("Волков" in b.text(), "the substitutions table names the substitute")
        # The deputy records September's check: the teachers' remarks are kept and sent (docs/followup.md).
        b.get("/check?month=2025-09")
        b.navigate(b.driver.find_element(By.CSS_SELECTOR, "#record-check button[type=submit]"))
        b.no_js_errors("/check/record")
        check("Проверка № 1" in b.text(), "the deputy records the check: " +
              (re.search(r"Проверка № \S+[^\n]*", b.text()) or re.search(r".{0,80}", b.text())).group(0))

        # ---- teacher: only their own findings ----
        print("teacher")
        b.logout()
        b.login("teacher")
        check("/findings" in b.driver.current_url, "the teacher lands on their findings")
        groups = b.driver.find_elements(By.CSS_SELECTOR, "section.ej-group")
        check(len(groups) > 0, "the teacher has findings groups")
        check(all(g.get_attribute("data-class") == "8Б" and g.get_attribute("data-subject") == "Английский язык"
                  for g in groups), "every group is the teacher's own (8Б, English)")
        check("Иванова" not in b.text() and "5А ·" not in b.text(), "no other teacher's lessons")
        b.shot("teacher")
        # The recorded check's remarks, the teacher's own only, and «Ознакомлен(а)» once.
        b.get("/remarks")
        remarks = b.driver.find_elements(By.CSS_SELECTOR, "#remarks li")
        check(remarks and all("8Б" in r.text for r in remarks) and "5А ·" not in b.text(),
              "the teacher's page lists their own remarks of the recorded check (%d)" % len(remarks))
        check("Срок устранения" in b.text(), "the remarks say by when to correct them")
        b.shot("teacher-remarks")
        b.navigate(b.driver.find_element(By.CSS_SELECTOR, "#acknowledge button[type=submit]"))
        b.no_js_errors("/remarks acknowledge")
        check(b.driver.find_elements(By.ID, "acknowledged") and not b.driver.find_elements(By.ID, "acknowledge"),
              "the teacher acknowledges the remarks once")
        cookie = browser_cookie(b.driver)
        for path in ["/users", "/printouts", "/archives", "/audit"]:
            status, _, body, _ = site.request("GET", path, cookie=cookie)
            html = body.decode()
            check(status == 403 and "Доступ запрещён" in html and "недостаточно прав" in html,
                  "a teacher is refused %s with a Russian 403 page (%d)" % (path, status))
        b.driver.get(b.base + "/users")
        b.driver.get_log("browser")  # the 403 itself is logged as a failed resource load, not a script error
        check("Доступ запрещён" in b.text(), "the browser shows the 403 page")
        b.shot("forbidden", full=False)
        status, _, body, _ = site.request("GET", "/files/api/v1/reports/control?format=csv&period=2025-Q1&class=5a",
                                          cookie=cookie)
        check(status == 403, "a teacher cannot download another class's report (%d)" % status)

        # ---- class teacher: the class's results and attendance ----
        print("class teacher")
        b.logout()
        b.login("classteacher")
        check("/class" in b.driver.current_url and "5А" in b.text() and "Успеваемость" in b.text(),
              "the class teacher sees their class's results")
        b.shot("class-teacher")

        # ---- secretary: print the quarter for all classes, seal it ----
        print("secretary")
        b.logout()
        b.login("secretary")
        check("/printouts" in b.driver.current_url, "the secretary lands on the printouts")
        Select(b.driver.find_element(By.ID, "period")).select_by_value("2025-Q1")
        b.navigate(b.driver.find_element(By.CSS_SELECTOR, "form[action='/printouts'] button"))
        b.driver.find_element(By.ID, "print-all").click()
        WebDriverWait(b.driver, 30).until(lambda d: "/tasks/" in d.current_url)
        msg = b.wait_text("#task-message", 300)
        b.no_js_errors("the print task")
        check("Напечатано журналов: 2" in msg, "the print job printed both classes: " + msg)
        rows = b.driver.find_element(By.ID, "task-rows").text
        check("5А" in rows and "8Б" in rows, "the task lists every class with its pages")
        b.shot("secretary-print", full=False)
        href = b.driver.find_element(By.ID, "task-download").get_attribute("href")
        status, headers, data, _ = site.request("GET", urllib.parse.urlsplit(href).path, cookie=browser_cookie(b.driver))
        z = zipfile.ZipFile(io.BytesIO(data)) if status == 200 else None
        names = sorted(z.namelist()) if z else []
        check(names == ["journal-5a-2025-Q1.pdf", "journal-8b-2025-Q1.pdf"], "one download with every journal: %s" % names)
        if z:
            check("КЛАССНЫЙ ЖУРНАЛ" in pdf_text(z.read("journal-5a-2025-Q1.pdf"), tmp) and "5 «А» класса" in
                  pdf_text(z.read("journal-5a-2025-Q1.pdf"), tmp), "the 5А journal PDF is 5А's")
        b.get("/printouts?period=2025-Q1")
        table = b.driver.find_element(By.ID, "classes-table").text
        check(re.search(r"5А .*\d+ \d+", table) is not None, "the class list shows page and sheet counts")
        b.shot("secretary")
        # Two secretaries pressing «печать» at once get one task.
        cookies = []
        for login in ["secretary", "secretary2"]:
            st, _, _, set_cookies = site.request("GET", "/login")
            lc = [c for c in set_cookies if c.startswith("ejournal_login=")][0].split(";")[0]
            st, _, _, set_cookies = site.request("POST", "/login", cookie=lc,
                                                 form={"csrf": lc.split("=", 1)[1], "login": login, "password": PASSWORD})
            sc = [c for c in set_cookies if c.startswith("ejournal_session=")][0].split(";")[0]
            st, _, page_html, _ = site.request("GET", "/printouts?period=2025-H1", cookie=sc)
            token = re.search(r'name="csrf" value="([^"]+)"', page_html.decode()).group(1)
            cookies.append((sc, token))
        barrier = threading.Barrier(2)
        locations = [None, None]

        def press(i):
            barrier.wait()
            st, hd, _, _ = site.request("POST", "/printouts/print", cookie=cookies[i][0],
                                        form={"csrf": cookies[i][1], "period": "2025-year"})
            locations[i] = hd.get("location")

        threads = [threading.Thread(target=press, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(locations[0] and locations[0] == locations[1], "two secretaries pressing «печать» get one task: %s" % locations)
        # Sealing the quarter.
        b.get("/printouts?period=2025-Q1")
        Select(b.driver.find_element(By.ID, "seal-period")).select_by_value("2025-Q1")
        b.driver.execute_script("arguments[0].click()", b.driver.find_element(By.ID, "seal"))
        WebDriverWait(b.driver, 30).until(lambda d: "/tasks/" in d.current_url)
        msg = b.wait_text("#task-message", 300)
        b.no_js_errors("the seal task")
        outcome = b.driver.find_element(By.ID, "task-outcome").text
        check("Период запечатан" in msg and "SHA-256 манифеста" in outcome and "архив проверен" in outcome,
              "the seal shows the archive, its manifest hash and its verification: " + msg)
        b.shot("secretary-seal")
        archive_id = re.search(r"архив (\S+\.tar)", msg).group(1) if re.search(r"архив (\S+\.tar)", msg) else ""

        # ---- auditor: find a student's documents, verify, then a tampered archive fails ----
        print("auditor")
        b.logout()
        b.login("auditor")
        check("/archives" in b.driver.current_url and archive_id in b.text(), "the auditor sees the archive chain")
        b.driver.find_element(By.ID, "student").send_keys("Белова Анна")
        b.navigate(b.driver.find_element(By.ID, "find"))
        b.no_js_errors("/archives?student=")
        hits = b.driver.find_element(By.ID, "hits").text
        check("Найдено документов" in b.text() and archive_id in hits, "the student's archived documents are found")
        link = b.driver.find_elements(By.CSS_SELECTOR, "#hits a[href*='/member?']")
        if check(link, "a found document can be downloaded"):
            u = urllib.parse.urlsplit(link[0].get_attribute("href"))
            st, hd, data, _ = site.request("GET", u.path + "?" + u.query, cookie=browser_cookie(b.driver))
            check(st == 200 and len(data) > 100, "the archived document downloads (%d)" % st)
        b.shot("auditor")
        b.navigate(b.driver.find_element(By.CSS_SELECTOR, "#archives-table a"))
        b.driver.find_element(By.ID, "verify").click()
        result = b.wait_text("#verify-result")
        b.no_js_errors("verify")
        check("прошёл проверку" in result and "НЕ" not in result, "the archive verifies: " + result[:200])
        b.shot("auditor-verify")
        b.driver.find_element(By.ID, "verify-content").click()
        result = b.wait_text("#verify-result")
        check("прошёл проверку" in result and "НЕ" not in result and "проверено и содержимое документов" in result,
              "the archive verifies with its export's content: " + result[:300])
        st, hd, data, _ = site.request("GET", "/archives/extract?" + urllib.parse.urlencode(
            {"student": "Белова Анна", "year": "2025"}), cookie=browser_cookie(b.driver))
        check(st == 200 and "Белова" in pdf_text(data, tmp), "a student's extract from archived data (%d)" % st)
        path = os.path.join(archive_dir, "stupeni", archive_id)  # archive.dir/<school>
        with open(path, "r+b") as f:
            content = f.read()
            at = content.find(b"%PDF") + 400
            f.seek(at)
            f.write(bytes([content[at] ^ 0x20]))
        b.driver.refresh()
        result = b.wait_text("#verify-result")
        check("НЕ прошёл проверку" in result, "a tampered archive fails verification: " + result[:300])
        b.shot("auditor-tampered")
        b.get("/archives?verify=all")
        check("Не прошли проверку архивов: 1" in b.text(), "verifying the whole chain names the tampered archive")
        b.get("/audit")
        check("Цепочка журнала аудита не нарушена" in b.text() and "seal" in b.text(), "the audit log and its chain")
        b.shot("auditor-audit")

        # ---- admin: users, a new user, jobs; CSRF; logout ----
        # ---- regional inspector: the schools compared, a school chosen, its check ----
        print("regional inspector")
        b.logout()
        b.login("inspector")
        check(urllib.parse.urlsplit(b.driver.current_url).path == "/region", "the inspector lands on /region")
        table = b.driver.find_element(By.ID, "region-table").text
        check("Ступени" in table and SCHOOL_B in table and "Итого" in table,
              "the comparison table has both schools and the total")
        row = b.driver.find_element(By.CSS_SELECTOR, "#region-table tr[data-school='stupeni']").text
        check("четверть" in row, "the sealed quarter shows as «Ступени»'s last archive: " + row)
        open_b = b.driver.find_element(By.CSS_SELECTOR, "#region-table tr[data-school='school-b'] td.ej-open").text
        check(open_b.strip() == "—", "a school never checked shows «—» open findings, not 0: " + open_b)
        open_a = b.driver.find_element(By.CSS_SELECTOR, "#region-table tr[data-school='stupeni'] td.ej-open").text
        check(open_a.split()[0].isdigit(), "the checked school shows its number of open findings: " + open_a)
        check("не выбрана" in b.driver.find_element(By.ID, "chosen-school").text, "no school is chosen yet")
        check(b.driver.find_elements(By.CSS_SELECTOR, "#chart-region"), "the comparison has its chart")
        pdf_link = b.driver.find_element(By.ID, "region-pdf").get_attribute("href")
        u = urllib.parse.urlsplit(pdf_link)
        st, hd, data, _ = site.request("GET", u.path + "?" + u.query, cookie=browser_cookie(b.driver))
        check(st == 200 and data.startswith(b"%PDF") and SCHOOL_B in pdf_text(data, tmp),
              "the regional report downloads as a PDF naming the schools (%d)" % st)
        time.sleep(1)  # Chart.js animates the bars in
        b.shot("region-inspector")
        b.navigate(b.driver.find_element(By.CSS_SELECTOR, "#region-table tr[data-school='school-b'] a.ej-choose"))
        b.no_js_errors("/region/school?id=school-b")
        check(urllib.parse.urlsplit(b.driver.current_url).path == "/check", "choosing a school opens its check")
        check(SCHOOL_B in b.driver.find_element(By.ID, "chosen-school").text and "Ступени" not in b.text(),
              "the check page is about the chosen school")
        check("ejournal_school" in browser_cookie(b.driver), "the choice is kept in the school cookie")
        b.get("/check?period=2025-Q1")
        check(SCHOOL_B in b.text() and b.driver.find_elements(By.ID, "check-table"),
              "the chosen school's check of the quarter is shown")
        b.shot("region-inspector-school")
        b.navigate(b.driver.find_element(By.ID, "change-school"))
        check(urllib.parse.urlsplit(b.driver.current_url).path == "/region", "«сменить школу» leads to /region")

        print("admin")
        b.logout()
        b.login("admin")
        check("/users" in b.driver.current_url and "secretary2" in b.text(), "the admin sees the users")
        b.driver.find_element(By.CSS_SELECTOR, "#new-user summary").click()
        b.driver.find_element(By.ID, "u-login").send_keys("petrov")
        b.driver.find_element(By.ID, "u-name").send_keys("Петров Дмитрий Олегович")
        Select(b.driver.find_element(By.ID, "u-role")).select_by_value("teacher")
        b.driver.find_element(By.ID, "u-staff").send_keys("t5")
        b.driver.find_element(By.ID, "u-pass").send_keys("Petrov-2025-pass")
        b.navigate(b.driver.find_element(By.ID, "create-user"))
        b.no_js_errors("create user")
        check("Пользователь «petrov» создан" in b.text() and "Петров Дмитрий Олегович" in
              b.driver.find_element(By.ID, "users-table").text, "the admin creates a user")
        b.shot("admin")
        b.get("/jobs")
        check("Плановые задания" in b.text() and "Печать классных журналов" in b.text(),
              "the jobs page lists the jobs and the tasks started from pages")
        b.shot("admin-jobs")
        cookie = browser_cookie(b.driver)
        st, _, body, _ = site.request("POST", "/users", cookie=cookie,
                                      form={"login": "evil", "fullName": "Х", "role": "admin", "password": "Evil-2025-pass"})
        check(st == 403 and "CSRF" in body.decode(), "a form without the CSRF token is refused (%d)" % st)
        st, _, body, _ = site.request("POST", "/users", cookie=cookie,
                                      form={"csrf": "0" * 64, "login": "evil", "fullName": "Х", "role": "admin",
                                            "password": "Evil-2025-pass"})
        check(st == 403, "a form with a wrong CSRF token is refused (%d)" % st)
        b.get("/users")
        check("evil" not in b.driver.find_element(By.ID, "users-table").text, "no user was made by the forged forms")
        b.logout()
        check("Вы вышли" in b.text(), "logout says so")
        st, hd, _, _ = site.request("GET", "/users", cookie=cookie)
        check(st == 303 and "/login" in hd.get("location", ""), "the old session cookie no longer works (%d)" % st)
        b.get("/users")
        check("/login" in b.driver.current_url, "after logout a page asks to log in again")
        b.shot("login", full=False)
    finally:
        if browser:
            try:
                browser.driver.quit()
            except Exception:
                traceback.print_exc()
        if serve:
            serve.terminate()
            try:
                serve.wait(30)
            except subprocess.TimeoutExpired:
                serve.kill()
        if args.docs and browser:
            for role in ["deputy", "secretary", "auditor", "teacher", "class-teacher", "admin", "secretary-seal",
                         "auditor-tampered", "forbidden", "login", "region-inspector", "region-inspector-school"]:
                if role in browser.shots:
                    shutil.copy(browser.shots[role], os.path.join(args.docs, "web-%s.png" % role))
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("\n%d check(s) failed:" % len(failures))
        for f in failures:
            print("  -", f)
        return 1
    print("\nall web checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
