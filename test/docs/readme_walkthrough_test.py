#!/usr/bin/env python3
"""The README's walkthrough, run as written against a node of its own.

Usage: readme_walkthrough_test.py README SOURCE_DIR KYB_NODE KYBCTL

Extracts every ```sh block preceded by `<!-- walkthrough -->` (in README order), and the
one block marked `<!-- walkthrough: setup -->` that sets API and OP, and runs them in ONE
bash session against a kyb-node it starts on free loopback ports, with a fresh database
(KYB_TEST_DATABASE_URL, KYB_TEST_REDIS_URL: `. /work/test.env` or `deploy/local/kyb
services start test`). Every curl runs with --fail-with-body and reports its status; the
first command that fails (a curl answering other than 2xx, or any other command) fails the
test, naming the README block and line. The node is stopped and its database dropped at
the end, whatever happened.

The setup block runs too, with two substitutions only: the node's API URL for
`http://127.0.0.1:8080`, and the node's operator key file for
`var/dev/bootstrap-admin.key` (the test's node is not the launcher's). `build/kybctl`
runs the KYBCTL given. The node is configured as `deploy/local/kyb up` configures it
(the committed classification model), plus the sample watch list the README's screening
section starts it with (deploy/samples/lists).
"""

import base64
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

SETUP_MARK = "<!-- walkthrough: setup -->"
STEP_MARK = "<!-- walkthrough -->"
README_API = "http://127.0.0.1:8080"
README_KEY_FILE = "var/dev/bootstrap-admin.key"


class Block:
    def __init__(self, kind, first_line, lines, heading):
        self.kind = kind  # "setup" or "step"
        self.first_line = first_line  # README line number of the block's first command line
        self.lines = lines
        self.heading = heading


def extract_blocks(readme_text):
    """The marked ```sh blocks, in order. A marker must be followed (blank lines allowed)
    by a ```sh fence; anything else is an error, so a marker cannot silently lose its
    block."""
    lines = readme_text.split("\n")
    blocks = []
    heading = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#") and not line.startswith("#!"):
            heading = line.lstrip("#").strip()
        stripped = line.strip()
        kind = {SETUP_MARK: "setup", STEP_MARK: "step"}.get(stripped)
        if kind is None:
            if stripped.startswith("<!-- walkthrough"):
                raise ValueError(f"README line {i + 1}: unknown marker {stripped}")
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j >= len(lines) or lines[j].strip() != "```sh":
            raise ValueError(f"README line {i + 1}: {stripped} is not followed by a ```sh block")
        k = j + 1
        body = []
        while k < len(lines) and lines[k].strip() != "```":
            body.append(lines[k])
            k += 1
        if k >= len(lines):
            raise ValueError(f"README line {j + 1}: the ```sh block never closes")
        blocks.append(Block(kind, j + 2, body, heading))
        i = k + 1
    setups = [b for b in blocks if b.kind == "setup"]
    if len(setups) != 1:
        raise ValueError(f"the README needs exactly one {SETUP_MARK} block, has {len(setups)}")
    if blocks[0].kind != "setup":
        raise ValueError("the setup block must come before every walkthrough block")
    steps = [b for b in blocks if b.kind == "step"]
    if not steps:
        raise ValueError(f"the README has no {STEP_MARK} block")
    return blocks


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, statement):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", statement],
                   check=True, stdout=subprocess.DEVNULL)


def database_url_for(base_url, name):
    parts = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def wait_for(what, condition, seconds, node=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if node is not None and node.poll() is not None:
            raise RuntimeError(f"the node exited ({node.returncode}) while waiting for {what}")
        if condition():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what}: not within {seconds} s")


def healthy(api):
    try:
        with urllib.request.urlopen(api + "/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


ASSIGNMENT = re.compile(r"^\s*([A-Z][A-Z0-9_]*)=\$\(")


def assigned_variables(blocks):
    """The variables the walkthrough sets from an answer (NAME=$(...)), in order."""
    names = []
    for b in blocks:
        for line in b.lines:
            m = ASSIGNMENT.match(line)
            if m and m.group(1) not in names:
                names.append(m.group(1))
    return names


def build_script(blocks, api, key_file, kybctl, vars_file):
    """One bash script: the wrappers, then every block, then a check that every variable
    set from an answer is set and not empty (written to VARS_FILE for the checks after
    the run). Returns the script and, per script line, the README line it came from
    (None for the test's own lines)."""
    out = []
    origin = []

    def own(text):
        for line in text.split("\n"):
            out.append(line)
            origin.append(None)

    own(f"""set -o pipefail -o nounset
set -E
kyb_fail() {{
  echo "KYB-WALKTHROUGH-FAILED script-line=$1 exit=$2 command=$3" >&2
  exit 1
}}
trap 'kyb_fail "$LINENO" "$?" "$BASH_COMMAND"' ERR
# Every curl: a non-2xx answer fails (with its body shown), and its status is reported.
curl() {{
  local rc=0
  command curl --fail-with-body --show-error \\
    -w '%{{stderr}}KYB-HTTP %{{http_code}} %{{method}} %{{url_effective}}\\n' "$@" || rc=$?
  [ $rc -eq 0 ] || echo "KYB-CURL-FAILED exit=$rc" >&2
  return $rc
}}
# The README runs kybctl as build/kybctl from the repository root.
build/kybctl() {{ {shell_quote(kybctl)} "$@"; }}""")
    for b in blocks:
        own(f"echo 'KYB-BLOCK README line {b.first_line} ({b.heading})' >&2")
        for n, line in enumerate(b.lines):
            if b.kind == "setup":
                line = line.replace(README_API, api).replace(README_KEY_FILE, key_file)
            out.append(line)
            origin.append(b.first_line + n)
    for name in assigned_variables(blocks):
        own(f'[ -n "${{{name}:-}}" ] || {{ echo "KYB-WALKTHROUGH-FAILED script-line=0 exit=0 '
            f'command=the walkthrough left {name} empty" >&2; exit 1; }}')
        own(f'printf "%s=%s\\n" {name} "${name}" >>{shell_quote(vars_file)}')
    own("echo KYB-WALKTHROUGH-DONE >&2")
    return "\n".join(out) + "\n", origin


def shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def report_failure(blocks, origin, stderr):
    # The outermost failure is reported last (a failure inside $(...) or a function is
    # reported there first, then where the README's command stands).
    found = list(re.finditer(r"KYB-WALKTHROUGH-FAILED script-line=(\d+) exit=(\d+) "
                             r"command=(.*)", stderr))
    m = found[-1] if found else None
    if not m:  # bash stopped by itself, e.g. nounset: "walkthrough.sh: line N: X: unbound variable"
        m = re.search(r"walkthrough\.sh: line (\d+): ()(.*)", stderr)
    if not m:
        return "the walkthrough did not finish (no failure was reported: bash died?)"
    script_line = int(m.group(1))
    readme_line = None
    # A multi-line command reports one of its lines; take the nearest README line.
    for ln in range(min(script_line, len(origin)), 0, -1):
        if origin[ln - 1] is not None:
            readme_line = origin[ln - 1]
            break
    command = m.group(3)
    answers = re.findall(r"KYB-HTTP .*", stderr)
    if answers and not answers[-1].startswith("KYB-HTTP 2"):
        command += f" (the last request answered {answers[-1][len('KYB-HTTP '):]})"
    msg = [f"README command failed (exit {m.group(2) or '?'}): {command}"]
    if readme_line is not None:
        for b in blocks:
            if b.first_line <= readme_line < b.first_line + len(b.lines):
                msg.append(f"in the block at README line {b.first_line} ({b.heading}), "
                           f"near README line {readme_line}:")
                for n, text in enumerate(b.lines):
                    mark = ">>" if b.first_line + n == readme_line else "  "
                    msg.append(f"{mark} {b.first_line + n:5d} | {text}")
                break
    return "\n".join(msg)


def get_json(api, path, key):
    req = urllib.request.Request(api + path, headers={"Authorization": "Bearer " + key})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def check_outcome(api, vars_file, source_dir):
    """What the statuses do not show: the sample files imported without a failed row
    (kybctl's exit code covers the CSV file; the NDJSON job is read here)."""
    variables = dict(line.split("=", 1) for line in open(vars_file).read().splitlines())
    for name in ("KEY", "JOB"):
        if name not in variables:
            return f"the walkthrough no longer sets {name}, which this test reads"
    key = variables["KEY"]
    job = get_json(api, "/v1/businesses/bulk/" + variables["JOB"], key)
    with open(os.path.join(source_dir, "deploy/samples/businesses.ndjson")) as f:
        lines = sum(1 for line in f if line.strip())
    if job.get("status") != "completed" or job.get("rows_failed") != 0 or \
            job.get("rows_written") != lines:
        return (f"the NDJSON sample's import job is not {lines} rows written, none failed: "
                f"{json.dumps(job)}")
    businesses = get_json(api, "/v1/businesses?limit=100", key)
    with open(os.path.join(source_dir, "deploy/samples/businesses.csv")) as f:
        csv_rows = sum(1 for line in f if line.strip()) - 1
    # the walkthrough's business, the deleted one not listed, and both sample files
    expected = 1 + lines + csv_rows
    if len(businesses["data"]) != expected:
        return (f"the tenant has {len(businesses['data'])} businesses after the walkthrough, "
                f"expected {expected} (1 created + {lines} NDJSON + {csv_rows} CSV rows)")
    return None


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    readme, source_dir, node_bin, kybctl = sys.argv[1:]
    source_dir = os.path.abspath(source_dir)
    for var in ("KYB_TEST_DATABASE_URL", "KYB_TEST_REDIS_URL"):
        if not os.environ.get(var):
            sys.exit(f"{var} is not set (. /work/test.env, or deploy/local/kyb services start test)")
    try:
        with open(readme, encoding="utf-8") as f:
            blocks = extract_blocks(f.read())
    except (OSError, ValueError) as e:
        sys.exit(f"FAIL: {readme}: {e}")

    base_url = os.environ["KYB_TEST_DATABASE_URL"]
    db_name = "kyb_readme_" + secrets.token_hex(6)
    work = tempfile.mkdtemp(prefix="kyb-readme-")
    node = None
    db_created = False
    failure = None
    try:
        certs = os.path.join(work, "certs")
        subprocess.run([os.path.join(source_dir, "deploy/local/kyb"), "certs", certs, "1"],
                       check=True, stdout=subprocess.DEVNULL)
        psql(base_url, f"CREATE DATABASE {db_name}")
        db_created = True
        port = free_port()
        api = f"http://127.0.0.1:{port}"
        key_file = os.path.join(work, "bootstrap-admin.key")

        def secret():
            return base64.b64encode(os.urandom(32)).decode()

        env = {k: v for k, v in os.environ.items() if not k.startswith("KYB_")}
        env.update({
            "KYB_DATABASE_URL": database_url_for(base_url, db_name),
            "KYB_REDIS_URL": os.environ["KYB_TEST_REDIS_URL"],
            "KYB_HTTP_LISTEN": f"127.0.0.1:{port}",
            "KYB_CLUSTER_LISTEN": f"127.0.0.1:{free_port()}",
            "KYB_CLUSTER_ADMIN_LISTEN": f"127.0.0.1:{free_port()}",
            "KYB_METRICS_LISTEN": f"127.0.0.1:{free_port()}",
            "KYB_CLUSTER_TLS_CERTIFICATE": os.path.join(certs, "node-1.pem"),
            "KYB_CLUSTER_TLS_KEY": os.path.join(certs, "node-1-key.pem"),
            "KYB_CLUSTER_TLS_CA": os.path.join(certs, "ca.pem"),
            "KYB_SECURITY_TAX_ID_KEY": secret(),
            "KYB_SECURITY_TAX_ID_HMAC_KEY": secret(),
            "KYB_SECURITY_AUDIT_KEY": secret(),
            "KYB_SECURITY_BOOTSTRAP_KEY_FILE": key_file,
            "KYB_NODE_DATA_DIR": work,
            "KYB_HTTP_WORKERS": "2",
            "KYB_DATABASE_POOL_SIZE": "2",
            # as deploy/local/kyb up does, and the README's screening section's sample list
            "KYB_CLASSIFICATION_MODEL_PATH":
                os.path.join(source_dir, "actors/classification/model/kyb_industry.model"),
            "KYB_SCREENING_GENERIC_DIR": os.path.join(source_dir, "deploy/samples/lists"),
            # kyb up downloads the official lists; a test has no internet: the sample only
            "KYB_SCREENING_SOURCES": "configured",
        })
        log_path = os.path.join(work, "node.log")
        log = open(log_path, "wb")
        node = subprocess.Popen([node_bin, "--config", os.path.join(source_dir, "config/kyb.conf")],
                                env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        wait_for("the node answers /health", lambda: healthy(api), 60, node)
        wait_for("the operator key file", lambda: os.path.exists(key_file)
                 and len(open(key_file).read().strip()) > 0, 30, node)

        vars_file = os.path.join(work, "variables")
        script, origin = build_script(blocks, api, key_file, os.path.abspath(kybctl),
                                      vars_file)
        script_path = os.path.join(work, "walkthrough.sh")
        with open(script_path, "w") as f:
            f.write(script)
        started = time.monotonic()
        run = subprocess.run(["bash", "--norc", "--noprofile", script_path], cwd=source_dir,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=600, env={k: v for k, v in os.environ.items()
                                               if not k.startswith("KYB_")})
        statuses = re.findall(r"KYB-HTTP (\d{3}) (\S+) (\S+)", run.stderr)
        bad = [s for s in statuses if not s[0].startswith("2")]
        if run.returncode != 0 or "KYB-WALKTHROUGH-DONE" not in run.stderr or bad:
            failure = report_failure(blocks, origin, run.stderr)
            if bad and run.returncode == 0:
                failure = "non-2xx answers: " + ", ".join(" ".join(s) for s in bad)
            failure += "\n--- the walkthrough's stderr (last 60 lines) ---\n" + \
                "\n".join(run.stderr.splitlines()[-60:]) + \
                "\n--- its stdout (last 40 lines) ---\n" + "\n".join(run.stdout.splitlines()[-40:])
        else:
            failure = check_outcome(api, vars_file, source_dir)
        if not failure:
            steps = sum(1 for b in blocks if b.kind == "step")
            print(f"README walkthrough: {steps} blocks, {len(statuses)} requests, all 2xx "
                  f"({time.monotonic() - started:.1f} s)")
            for s in statuses:
                print("  " + " ".join(s).replace(api, "$API"))
    except Exception as e:  # noqa: BLE001 - reported as the test's failure
        failure = f"{type(e).__name__}: {e}"
        if node is not None:
            try:
                with open(os.path.join(work, "node.log"), errors="replace") as f:
                    failure += "\n--- node log (last 40 lines) ---\n" + \
                        "\n".join(f.read().splitlines()[-40:])
            except OSError:
                pass
    finally:
        if node is not None and node.poll() is None:
            node.send_signal(signal.SIGTERM)
            try:
                node.wait(timeout=40)
            except subprocess.TimeoutExpired:
                node.kill()
                node.wait()
        if db_created:
            try:
                psql(base_url, f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
            except subprocess.CalledProcessError as e:
                failure = (failure or "") + f"\ncannot drop {db_name}: {e}"
        shutil.rmtree(work, ignore_errors=True)
    if failure:
        print("FAIL: " + failure, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
