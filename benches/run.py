#!/usr/bin/env python3
"""Glocal's benchmark harness (run it through `scripts/bench`; stdlib only).

Builds the release binaries, starts the stack (four services on PostgreSQL, two gateways
on Redis: one with the entity cache, one without), seeds a realistic data set, starts the
floor server and the peers (PostGraphile over the same tables, Apollo Gateway and Hive Gateway
in front of ours), warms up, then runs every target in each of several interleaved rounds with wrk
(closed loop, every response checked by a Lua script), an open-loop pass with oha at a
fixed rate (latency corrected for coordinated omission), the gRPC load client, and a
callgrind count of the gateway's hot path. Writes results.json and results.md into
bench-results/<UTC timestamp>/ and prints that path.

A run whose responses were not all 200 with the expected body and no GraphQL `errors` is
VOID: it is marked so in the results and the harness exits non-zero.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".bench"
TOOLS = SCRATCH / "tools"
PEERS = SCRATCH / "peers"
RELEASE = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target") / "release"
GLOCAL = RELEASE / "glocal"
BENCH = RELEASE / "glocal-bench"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_PREFIX = "glocal-bench:"
SERVICES = ["requests", "training", "events", "research"]
GRPC_PORT = {"requests": 15051, "training": 15052, "events": 15053, "research": 15054}
METRICS_PORT = {"requests": 19091, "training": 19092, "events": 19093, "research": 19094}
GW_CACHED = 18080
GW_NOCACHE = 18081
GW_CALLGRIND = 18082
FLOOR = 18090
ENGINE = 18091
PGL_REQUESTS = 18100
PGL_EVENTS = 18101
APOLLO = 18110
HIVE = 18111

PROCS = {}  # name -> Popen
RUN_INDEX = 0  # wrk runs so far: gives the PostGraphile inserts a number space each
LOGS = SCRATCH / "logs"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def sh(cmd, check=True, capture=False, env=None, cwd=None):
    r = subprocess.run(cmd, check=False, text=True, env=env, cwd=cwd,
                       stdout=subprocess.PIPE if capture else None,
                       stderr=subprocess.PIPE if capture else None)
    if check and r.returncode != 0:
        raise SystemExit(f"command failed ({r.returncode}): {' '.join(map(str, cmd))}\n"
                         f"{(r.stderr or '')[-3000:]}")
    return r


# ---------------------------------------------------------------- tools and build

def ensure_tools(need_oha, need_perf=False):
    missing = [p for p in ("wrk", "valgrind", *(("perf",) if need_perf else ())) if not shutil.which(p)]
    if missing:
        log(f"installing {' '.join(missing)} from Debian")
        sh(["apt-get", "update", "-qq"], check=False)
        sh(["apt-get", "install", "-y", "-qq", *["linux-perf" if p == "perf" else p for p in missing]])
    oha = TOOLS / "bin" / "oha"
    if need_oha and not oha.exists():
        log("installing oha (cargo install --locked) into .bench/tools; first time only")
        sh(["cargo", "install", "oha", "--locked", "--root", str(TOOLS)])
    # Three folders: PostGraphile 4 needs graphql 15, Apollo's packages graphql 16, and Hive
    # Gateway's tree is kept apart from Apollo's.
    for peer, probe in (("postgraphile", "postgraphile"), ("federation", "@apollo/gateway"),
                        ("hive", "@graphql-hive/gateway-runtime")):
        dest = PEERS / peer
        dest.mkdir(parents=True, exist_ok=True)
        for f in (ROOT / "benches" / "peers" / peer).iterdir():
            shutil.copy(f, dest / f.name)
        if not (dest / "node_modules" / probe).exists():
            log(f"installing the {peer} peer (npm) into .bench/peers/{peer}; first time only")
            sh(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=dest)


def build():
    # One package at a time: built together, cargo would unify their features and rebuild
    # the whole release tree of `glocal` once more.
    for package in ("glocal", "glocal-bench"):
        log(f"cargo build --release -p {package}")
        sh(["cargo", "build", "--release", "-p", package], cwd=ROOT)


# ---------------------------------------------------------------- the stack

def db_url(service):
    # Plaintext over loopback for every client, ours and the peers' alike: sqlx's default
    # (`sslmode=prefer`) negotiates TLS with a server that offers it, node-postgres's does not.
    return f"{PG}/glocal_bench_{service}?sslmode=disable"


def stack_env(**extra):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("GLOCAL_") or k.startswith("OTEL_"):
            del env[k]
    env.update({
        "GLOCAL_ENVIRONMENT": "development",
        "GLOCAL_LOG__FILTER": "warn",
        "GLOCAL_REDIS__URL": "redis://127.0.0.1:6379",
        "GLOCAL_REDIS__KEY_PREFIX": REDIS_PREFIX,
        "GLOCAL_GATEWAY__RATE_LIMIT_REQUESTS": "0",
        "GLOCAL_GATEWAY__RATE_LIMIT_ANONYMOUS_REQUESTS": "0",
        "GLOCAL_GATEWAY__GRAPHIQL": "false",
    })
    for s in SERVICES:
        env[f"GLOCAL_{s.upper()}__DATABASE_URL"] = db_url(s)
        env[f"GLOCAL_{s.upper()}__LISTEN"] = f"127.0.0.1:{GRPC_PORT[s]}"
        env[f"GLOCAL_METRICS__{s.upper()}_LISTEN"] = f"127.0.0.1:{METRICS_PORT[s]}"
        env[f"GLOCAL_GATEWAY__{s.upper()}_URL"] = f"http://127.0.0.1:{GRPC_PORT[s]}"
    env.update(extra)
    return env


def fresh_databases():
    for s in SERVICES:
        name = f"glocal_bench_{s}"
        sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture=True)
        sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
           capture=True)
    keys = sh(["redis-cli", "--scan", "--pattern", f"{REDIS_PREFIX}*"], capture=True).stdout.split()
    for i in range(0, len(keys), 500):
        sh(["redis-cli", "DEL", *keys[i:i + 500]], capture=True)


def start(name, cmd, env=None, cwd=None):
    LOGS.mkdir(parents=True, exist_ok=True)
    out = open(LOGS / f"{name}.log", "w")
    p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                         start_new_session=True)
    PROCS[name] = p
    return p


def stop(name):
    p = PROCS.pop(name, None)
    if p and p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def stop_all():
    for name in list(PROCS)[::-1]:
        stop(name)


def wait_http(url, name, timeout=60, ok=lambda status, body: status == 200):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        p = PROCS.get(name)
        if p is not None and p.poll() is not None:
            raise SystemExit(f"{name} exited ({p.returncode}); see {LOGS / (name + '.log')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                body = r.read()
                if ok(r.status, body):
                    return
        except Exception as e:  # noqa: BLE001 - any failure means not up yet
            last = e
        time.sleep(0.2)
    raise SystemExit(f"{name} not up at {url} after {timeout}s: {last}")


def gql(port, query, token=None, variables=None, path="/graphql"):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method="POST")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read()


def token(role, org, sub, name):
    return sh([str(GLOCAL), "token", "--role", role, "--org", org, "--sub", sub, "--name", name],
              capture=True, env=stack_env()).stdout.strip()


def start_gateway(name, port, cached, wrapper=()):
    # Each gateway's admin port (liveness, metrics) beside its traffic port: the default 9090
    # would be taken by the first.
    env = stack_env(GLOCAL_GATEWAY__LISTEN=f"127.0.0.1:{port}",
                    GLOCAL_METRICS__GATEWAY_LISTEN=f"127.0.0.1:{port + 1000}",
                    GLOCAL_CACHE__ENABLED="true" if cached else "false",
                    # The uncached gateway keeps no whole answers either (ADR 0053): scenario
                    # 3 measures the fan-out, not a lookup.
                    GLOCAL_GATEWAY__RESPONSE_CACHE_TTL_SECS="60" if cached else "0")
    start(name, [*wrapper, str(GLOCAL), "serve", "gateway"], env=env)
    wait_http(f"http://127.0.0.1:{port}/healthz", name, timeout=300 if wrapper else 60)


def start_stack(args):
    fresh_databases()
    env = stack_env()
    log("migrating and loading the demo data (glocal migrate, glocal seed)")
    sh([str(GLOCAL), "migrate"], env=env, capture=True)
    sh([str(GLOCAL), "seed"], env=env, capture=True)
    for s in SERVICES:
        start(s, [str(GLOCAL), "serve", s], env=env)
    for s in SERVICES:
        wait_http(f"http://127.0.0.1:{METRICS_PORT[s]}/healthz", s)
    log("seeding the benchmark data set over gRPC")
    t0 = time.time()
    sizes = ["--requests", "600", "--practices", "120", "--events", "60"] if args.quick else []
    sh([str(BENCH), "seed",
        "--requests-url", f"http://127.0.0.1:{GRPC_PORT['requests']}",
        "--events-url", f"http://127.0.0.1:{GRPC_PORT['events']}",
        "--research-url", f"http://127.0.0.1:{GRPC_PORT['research']}", *sizes])
    seed_seconds = time.time() - t0
    start_gateway("gateway", GW_CACHED, cached=True)
    start_gateway("gateway-nocache", GW_NOCACHE, cached=False)
    return seed_seconds


def data_counts():
    out = {}
    q = {
        "requests": "SELECT count(*) FROM service_request",
        "events": "SELECT count(*) FROM event",
        "contributions": "SELECT count(*) FROM contribution",
        "practices": "SELECT count(*) FROM practice",
        "organisations": "SELECT count(*) FROM organisation",
    }
    db = {"requests": "requests", "events": "events", "contributions": "events",
          "practices": "research", "organisations": "research"}
    for k, sql in q.items():
        r = sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", f"glocal_bench_{db[k]}", "-tAc",
                sql], capture=True, check=False)
        out[k] = int(r.stdout.strip()) if r.returncode == 0 and r.stdout.strip() else None
    r = sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "glocal_bench_research", "-tAc",
            "SELECT original_language, count(*) FROM practice GROUP BY 1 ORDER BY 1"],
           capture=True, check=False)
    out["practice_versions_by_language"] = r.stdout.strip().replace("\n", ", ") if r.returncode == 0 else None
    return out


# ---------------------------------------------------------------- peers

def start_peers():
    node = shutil.which("node")
    pgl = str(PEERS / "postgraphile" / "node_modules" / ".bin" / "postgraphile")
    common = ["--disable-query-log", "--host", "127.0.0.1", "--disable-graphiql", "--cors"]
    start("postgraphile-requests", [pgl, "-c", db_url("requests"), "--port", str(PGL_REQUESTS),
                                    *common], cwd=PEERS / "postgraphile")
    start("postgraphile-events", [pgl, "-c", db_url("events"), "--port", str(PGL_EVENTS),
                                  *common], cwd=PEERS / "postgraphile")
    start("apollo-gateway", [node, str(PEERS / "federation" / "federation-gateway.mjs"),
                             f"http://127.0.0.1:{GW_CACHED}/subgraph", str(APOLLO)], cwd=PEERS / "federation")
    start("hive-gateway", [node, str(PEERS / "hive" / "hive-gateway.mjs"),
                           f"http://127.0.0.1:{GW_CACHED}/subgraph", str(HIVE)], cwd=PEERS / "hive")
    for name, url in (("postgraphile-requests", f"http://127.0.0.1:{PGL_REQUESTS}/graphql"),
                      ("postgraphile-events", f"http://127.0.0.1:{PGL_EVENTS}/graphql"),
                      ("apollo-gateway", f"http://127.0.0.1:{APOLLO}/"),
                      ("hive-gateway", f"http://127.0.0.1:{HIVE}/graphql")):
        deadline = time.time() + 90
        while True:
            if PROCS[name].poll() is not None:
                raise SystemExit(f"{name} exited; see {LOGS / (name + '.log')}")
            try:
                status, _ = gql_url(url, {"query": "{ __typename }"})
                if status == 200:
                    break
            except Exception:  # noqa: BLE001 - not up yet
                pass
            if time.time() > deadline:
                raise SystemExit(f"{name} did not start; see {LOGS / (name + '.log')}")
            time.sleep(0.3)


# ---------------------------------------------------------------- measurement helpers

def clk_tck():
    return os.sysconf(os.sysconf_names["SC_CLK_TCK"])


def pids_named(*names):
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                comm = (d / "comm").read_text().strip()
            except OSError:
                continue
            if any(comm.startswith(n) for n in names):
                out.append(int(d.name))
    return out


def cpu_ticks(pid):
    """(own, reaped) CPU ticks of pid: its utime+stime, and the cutime+cstime of the children it has
    waited for. (0, 0) when the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0, 0
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def vm_hwm_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def descendants(pid):
    """pid and its children (node's workers, the npm .bin shim's child)."""
    out = [pid]
    try:
        for t in Path(f"/proc/{pid}/task").iterdir():
            kids = (t / "children").read_text().split()
            for k in kids:
                out.extend(descendants(int(k)))
    except OSError:
        pass
    return out


def role_pids(name):
    """The processes of one role of a target's stack, as they are now."""
    if name == "postgres":
        return pids_named("postgres")
    if name == "redis":
        return pids_named("redis-server")
    if name in PROCS:
        return descendants(PROCS[name].pid)
    return []


def cpu_snapshot(group):
    """CPU ticks of each role of a target's stack, counted completely.

    The processes are listed anew at every snapshot, and each counts its own time plus the time of
    the children it has reaped (cutime+cstime). A child that exits during a run — a PostgreSQL
    backend whose client pool recycled its connection, a node worker — moves its whole time into its
    parent's reaped time, so the difference of two snapshots keeps it: a backend alive at the first
    snapshot is counted there by its own time and at the second inside the postmaster's reaped
    time; one started and ended in between counts only in the second. Other clients of the same
    PostgreSQL during a run would be counted too: run benchmarks on an otherwise idle machine."""
    out = {}
    for role in group:
        own = reaped = 0
        for pid in role_pids(role):
            o, r = cpu_ticks(pid)
            own += o
            reaped += r
        out[role] = own + reaped
    return out


# ---------------------------------------------------------------- PostgreSQL's own view

def psql(sql, db="postgres"):
    r = sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql], capture=True, check=False)
    return r.stdout.strip() if r.returncode == 0 else None


def vacuum(args):
    """What autovacuum does to a live database between bursts: `VACUUM (ANALYZE)` of every
    bench database (ours and the PostGraphile peers' alike, they share them) before each
    measured run, outside its window. The machine's PostgreSQL runs with `autovacuum = off`
    (its CI configuration), and a run's inserts and updates left unvacuumed turn index-only
    scans into heap visits and leave the outbox's published rows in its index: a database no
    deployment has. `--no-vacuum` measures that database instead."""
    if args.no_vacuum:
        return
    for s in SERVICES:  # a failed VACUUM stops the run with psql's error
        sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", f"glocal_bench_{s}", "-qc",
            "VACUUM (ANALYZE)"], capture=True)
    # Its backends must be gone before the window opens: a backend's transactions reach
    # pg_stat_database, and its CPU the postmaster's reaped time, when it exits (otherwise a
    # run that touches no table counts VACUUM's transactions and is void as SUSPECT).
    for _ in range(100):
        if psql("SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'glocal_bench_%' "
                "AND query ILIKE 'VACUUM%' AND pid <> pg_backend_pid()") == "0":
            break
        time.sleep(0.05)
    time.sleep(0.5)


WAIT_SQL = ("SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, 'running'), count(*) "
            "FROM pg_stat_activity WHERE datname = 'glocal_bench_requests' AND state = 'active' "
            "AND pid <> pg_backend_pid() GROUP BY 1")
LOCK_SQL = ("SELECT l.locktype || ' ' || coalesce(l.relation::regclass::text, '') || ' ' || l.mode, count(*) "
            "FROM pg_locks l WHERE NOT l.granted GROUP BY 1")


def wait_profile(target, seconds, conns, threads, lua_dir):
    """What the submissions of scenario 5 wait on (issue 14, item 7): `pg_stat_activity`'s wait
    events of the requests database's active backends and the ungranted `pg_locks`, sampled every
    100 ms during a separate wrk run of the target. Not a measured run: the sampler's own
    connections would count in PostgreSQL's CPU."""
    lua = lua_dir / f"{target['name']}-waits.lua"
    write_lua(lua, target, f"bench-waits-{int(time.time() * 1000)}")
    wrk = subprocess.Popen(["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s",
                            "-s", str(lua), target["url"]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    waits, locks, samples = {}, {}, 0
    while wrk.poll() is None:
        for sql, into in ((WAIT_SQL, waits), (LOCK_SQL, locks)):
            for line in (psql(sql, db="glocal_bench_requests") or "").splitlines():
                key, _, n = line.rpartition("|")
                if key:
                    into[key] = into.get(key, 0) + int(n)
        samples += 1
        time.sleep(0.1)
    mean = lambda d: {k: round(v / max(samples, 1), 2) for k, v in sorted(d.items(), key=lambda kv: -kv[1])}
    return {"samples": samples, "active_backends_by_wait": mean(waits), "ungranted_locks": mean(locks)}


def pg_statements_ready():
    """Makes pg_stat_statements available (the cross-check of the /proc accounting). Loading it needs
    shared_preload_libraries and a restart of the server, which the harness does once, saying so;
    with BENCH_NO_PG_RESTART=1 it only uses the extension when already loaded."""
    libs = psql("SHOW shared_preload_libraries") or ""
    if "pg_stat_statements" not in libs:
        if os.environ.get("BENCH_NO_PG_RESTART"):
            log("pg_stat_statements is not loaded (BENCH_NO_PG_RESTART set): no cross-check of database CPU")
            return False
        log("loading pg_stat_statements: ALTER SYSTEM shared_preload_libraries and a restart of PostgreSQL")
        new = ",".join(x for x in [libs, "pg_stat_statements"] if x)
        psql(f"ALTER SYSTEM SET shared_preload_libraries = '{new}'")
        version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(x) for x in v.split(".")])[-1]
        sh(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=False)
        for _ in range(60):
            if psql("SELECT 1") == "1":
                break
            time.sleep(0.5)
    psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    return psql("SELECT count(*) FROM pg_stat_statements") is not None


CGROUP_NAME = "glocal-bench-postgres"


def pg_cgroup():
    """A second, independent count of PostgreSQL's CPU: every `postgres` process is moved into a
    cgroup of its own, whose CPU counter the kernel charges for every task in it — backends the
    postmaster forks later inherit it, and the time of one that exits stays counted. cgroup v1's
    cpuacct (cpuacct.usage, ns) or cgroup v2 (cpu.stat usage_usec); needs root. Returns a function
    giving the counter in ms, or None where no cgroup can be made."""
    v1 = Path("/sys/fs/cgroup/cpuacct")
    v2 = Path("/sys/fs/cgroup/unified") if Path("/sys/fs/cgroup/unified/cgroup.procs").exists() \
        else Path("/sys/fs/cgroup")
    for base, read in ((v1, lambda d: int((d / "cpuacct.usage").read_text()) / 1e6),
                       (v2, lambda d: int(next(l.split()[1] for l in (d / "cpu.stat").read_text().splitlines()
                                               if l.startswith("usage_usec"))) / 1e3)):
        group = base / CGROUP_NAME
        try:
            if not (base / "cgroup.procs").exists():
                continue
            group.mkdir(exist_ok=True)
            for pid in pids_named("postgres"):
                (group / "cgroup.procs").write_text(str(pid))
            read(group)
            log(f"PostgreSQL's processes counted in the cgroup {group}")
            return lambda: read(group)
        except (OSError, ValueError, StopIteration) as e:
            log(f"no cgroup at {group} ({e})")
    log("no cgroup for PostgreSQL: its CPU is cross-checked by pg_stat_statements only")
    return None


PG_CGROUP = None


def pg_counters(reset=False):
    """Transactions (all databases) and, where pg_stat_statements is loaded, its summed execution and
    planning time in ms — PostgreSQL's own account of the statements it ran. With reset, the
    statements' figures start again from zero (before a run, so no entry is evicted mid-count)."""
    if reset:
        psql("SELECT pg_stat_statements_reset()")
    xacts = psql("SELECT coalesce(sum(xact_commit + xact_rollback), 0) FROM pg_stat_database")
    stmt = psql("SELECT coalesce(sum(total_exec_time + total_plan_time), 0), coalesce(sum(calls), 0) "
                "FROM pg_stat_statements")
    out = {"xacts": int(float(xacts)) if xacts else None}
    if PG_CGROUP:
        out["cgroup_ms"] = PG_CGROUP()
    if stmt:
        ms, calls = stmt.split("|")
        out["statement_ms"], out["statement_calls"] = float(ms), int(float(calls))
    return out


def scrape(port, path="/metrics"):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.read().decode()
    except Exception:  # noqa: BLE001
        return ""


def metric_sum(text, name, label_filter=None):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if label_filter and not re.search(label_filter, line):
                continue
            try:
                total += float(line.rsplit(" ", 1)[1])
            except ValueError:
                pass
    return total


def grpc_calls_total():
    return sum(metric_sum(scrape(METRICS_PORT[s]), "grpc_server_requests_total") for s in SERVICES)


def gateway_ops(port):
    text = scrape(port)
    return {
        "all": metric_sum(text, "graphql_operations_total"),
        "not_ok": metric_sum(text, "graphql_operations_total", r'outcome="(?!ok")'),
        # Answers served whole from the response cache (ADR 0053) run no operation.
        "cached": metric_sum(text, "gateway_response_cache_total", r'result="hit"'),
    }


# ---------------------------------------------------------------- wrk with a validating Lua script

LUA = r"""
-- generated by benches/run.py for target %(name)s
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
%(auth)s
local body = %(body)s
local expect = %(expect)s
local count_pattern = %(count_pattern)s
local count_n = %(count_n)d
local exact = %(exact)s
local mutation = %(mutation)s
local nonce = %(nonce)s
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  ok = 0; bad = 0; first_bad = ""; n = 0
  wrk.body = body
end
function request()
  if mutation then
    n = n + 1
    local key = string.format("%%s-%%d-%%d", nonce, tid, n)
    local uuid = string.format("%%08x-%%04x-4000-8000-%%012x", nonce_num, tid, n)
    local num = string.format("OB-%%d-%%06d", run_year, tid * 500000 + n)
    local b = body:gsub("@KEY@", key):gsub("@UUID@", uuid):gsub("@NUM@", num)
    return wrk.format(nil, nil, nil, b)
  end
  return wrk.format(nil, nil, nil, body)
end
local function count(s, p)
  local c = 0
  for _ in string.gmatch(s, p) do c = c + 1 end
  return c
end
function response(status, headers, resp)
  local good = status == 200 and not string.find(resp, '"errors"', 1, true)
  if good and exact ~= nil then good = (resp == exact) end
  if good and expect ~= nil then good = string.find(resp, expect, 1, true) ~= nil end
  if good and count_pattern ~= nil then good = count(resp, count_pattern) == count_n end
  if good then ok = ok + 1 else
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(resp, 1, 400) end
  end
end
function done(summary, latency, requests)
  local tok, tbad, fb = 0, 0, ""
  for _, t in ipairs(threads) do
    tok = tok + t:get("ok"); tbad = tbad + t:get("bad")
    if fb == "" then fb = t:get("first_bad") end
  end
  io.write("WRKJSON ")
  io.write(string.format('{"requests":%%d,"duration_us":%%d,"ok":%%d,"bad":%%d,' ..
    '"connect_errors":%%d,"read_errors":%%d,"write_errors":%%d,"status_errors":%%d,"timeouts":%%d,' ..
    '"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,"first_bad":%%q}\n',
    summary.requests, summary.duration, tok, tbad, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, fb))
end
"""


def lua_str(s):
    if s is None:
        return "nil"
    return "[==[" + s + "]==]"


def write_lua(path, target, nonce):
    auth = ""
    if target.get("token"):
        auth = f'wrk.headers["Authorization"] = "Bearer {target["token"]}"'
    text = LUA % {
        "name": target["name"],
        "auth": auth,
        "body": lua_str(json.dumps(target["body"])),
        "expect": lua_str(target.get("expect")),
        "count_pattern": lua_str(target.get("count_pattern")),
        "count_n": target.get("count_n", 0),
        "exact": lua_str(target.get("exact")),
        "mutation": "true" if target.get("mutation") else "false",
        "nonce": lua_str(nonce),
    }
    text = text.replace("nonce_num", str(int(time.time() * 1000) % (1 << 32)))
    global RUN_INDEX
    RUN_INDEX += 1
    text = text.replace("run_year", str(2030 + RUN_INDEX % 70))
    path.write_text(text)


def run_wrk(target, seconds, conns, threads, lua_dir, tag):
    lua = lua_dir / f"{target['name']}.lua"
    nonce = f"bench-{tag}-{int(time.time() * 1000)}"
    write_lua(lua, target, nonce)
    roles = target["stack"]
    ops_port = target.get("ops_port")
    ops0 = gateway_ops(ops_port) if ops_port else None
    grpc0 = grpc_calls_total() if target.get("count_grpc") else None
    uses_pg = "postgres" in roles
    pg0 = pg_counters(reset=True) if uses_pg else None
    cpu0 = cpu_snapshot(roles)
    r = sh(["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s", "--latency",
            "-s", str(lua), target["url"]], capture=True, check=False)
    cpu1 = cpu_snapshot(roles)
    pg1 = pg_counters() if uses_pg else None
    grpc1 = grpc_calls_total() if target.get("count_grpc") else None
    ops1 = gateway_ops(ops_port) if ops_port else None
    m = re.search(r"WRKJSON (\{.*\})", r.stdout)
    if not m:
        return {"void": True, "why": f"wrk failed: {r.stdout[-500:]} {r.stderr[-500:]}"}
    w = json.loads(m.group(1))
    n = w["requests"]
    errors = w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["status_errors"] + w["timeouts"]
    res = {
        "rps": n / (w["duration_us"] / 1e6),
        "requests": n,
        "p50_ms": w["p50_us"] / 1000, "p90_ms": w["p90_us"] / 1000, "p99_ms": w["p99_us"] / 1000,
        "max_ms": w["max_us"] / 1000,
        "ok": w["ok"], "bad": w["bad"], "socket_errors": errors,
        # complete: live processes plus what their parents reaped (see cpu_snapshot); never clamped
        "cpu_ms_per_req": {role: (cpu1[role] - cpu0[role]) * 1000 / clk_tck() / max(n, 1) for role in roles},
    }
    res["cpu_ms_per_req_total"] = sum(res["cpu_ms_per_req"].values())
    if grpc0 is not None:
        res["grpc_calls_per_req"] = (grpc1 - grpc0) / max(n, 1)
    why = []
    if w["bad"]:
        why.append(f"{w['bad']} bad responses, first: {w['first_bad']}")
    if errors:
        why.append(f"{errors} socket errors/timeouts")
    if w["ok"] != n:
        why.append(f"ok {w['ok']} != requests {n}")
    if uses_pg:
        xacts = (pg1["xacts"] or 0) - (pg0["xacts"] or 0)
        res["pg_xacts_per_req"] = xacts / max(n, 1)
        if "cgroup_ms" in pg1 and "cgroup_ms" in pg0:
            res["pg_cgroup_ms_per_req"] = (pg1["cgroup_ms"] - pg0["cgroup_ms"]) / max(n, 1)
        if "statement_ms" in pg1 and "statement_ms" in pg0:
            res["pg_statement_ms_per_req"] = (pg1["statement_ms"] - pg0["statement_ms"]) / max(n, 1)
        # self-check: the database answered queries, so its CPU cannot be zero
        if xacts > 0 and res["cpu_ms_per_req"]["postgres"] <= 0:
            why.append(f"SUSPECT: PostgreSQL ran {xacts} transactions but its CPU counted "
                       f"{res['cpu_ms_per_req']['postgres']:.3f} ms/req")
    if any(v < 0 for v in res["cpu_ms_per_req"].values()):
        why.append(f"SUSPECT: negative CPU {res['cpu_ms_per_req']}")
    if ops0 is not None:
        d_all = ops1["all"] - ops0["all"]
        d_bad = ops1["not_ok"] - ops0["not_ok"]
        d_cached = ops1["cached"] - ops0["cached"]
        res["gateway_operations"] = d_all
        res["response_cache_hits"] = d_cached
        if d_bad:
            why.append(f"gateway counted {d_bad:.0f} operations not ok")
        # wrk's last in-flight requests reach the gateway but are not counted by wrk
        if d_all + d_cached < n:
            why.append(f"gateway counted {d_all:.0f} operations and {d_cached:.0f} "
                       f"response-cache hits < {n} responses")
    res["void"] = bool(why)
    if why:
        res["why"] = "; ".join(why)
    return res


def run_oha(target, rate, seconds, conns):
    oha = TOOLS / "bin" / "oha"
    headers = ["-H", "Content-Type: application/json"]
    if target.get("token"):
        headers += ["-H", f"Authorization: Bearer {target['token']}"]
    ops_port = target.get("ops_port")
    ops0 = gateway_ops(ops_port) if ops_port else None
    r = sh([str(oha), "--no-tui", "--output-format", "json", "-z", f"{seconds}s", "-q", str(rate),
            "--latency-correction", "-c", str(conns),
            "-m", "POST", *headers, "-d", json.dumps(target["body"]), target["url"]],
           capture=True, check=False)
    ops1 = gateway_ops(ops_port) if ops_port else None
    try:
        j = json.loads(r.stdout)
    except json.JSONDecodeError:
        return {"void": True, "why": f"oha failed: {r.stdout[-300:]} {r.stderr[-300:]}"}
    codes = j.get("statusCodeDistribution", {})
    total = sum(codes.values())
    pct = j.get("latencyPercentiles", {})
    summary = j.get("summary", {})
    res = {
        "rate": rate, "requests": total, "status_codes": codes,
        "rps": summary.get("requestsPerSec"),
        "p50_ms": (pct.get("p50") or 0) * 1000, "p90_ms": (pct.get("p90") or 0) * 1000,
        "p99_ms": (pct.get("p99") or 0) * 1000, "p999_ms": (pct.get("p99.9") or 0) * 1000,
        "max_ms": (summary.get("slowest") or 0) * 1000,
        "errors": {k: v for k, v in j.get("errorDistribution", {}).items() if k != "aborted due to deadline"},
        "in_flight_at_end": j.get("errorDistribution", {}).get("aborted due to deadline", 0),
    }
    why = []
    if set(codes) - {"200"}:
        why.append(f"status codes {codes}")
    if res["errors"]:
        why.append(f"errors {res['errors']}")
    if ops0 is not None and ops1["not_ok"] - ops0["not_ok"]:
        why.append(f"gateway counted {ops1['not_ok'] - ops0['not_ok']:.0f} operations not ok")
    res["void"] = bool(why)
    if why:
        res["why"] = "; ".join(why)
    return res


# ---------------------------------------------------------------- scenarios

S2_QUERY = ("query Hot($id: ID!) { event(id: $id) { id title(lang: EN) kind state hostCountry "
            "hostCity venue startDate endDate capacity seatsTaken } }")
S3_QUERY = ("query FanOut { events(first: 20) { totalCount edges { cursor node { id title(lang: EN) "
            "startDate contributions { title(lang: EN) practices { id title(lang: EN) country } } } } } }")
S4_QUERY = ("query Mine { serviceRequests(first: 20) { totalCount pageInfo { hasNextPage endCursor } "
            "edges { cursor node { id number title state type createdAt localGovernment { code name } } } } }")
S6_QUERY = ("query Upcoming { events(first: 20) { edges { cursor node { id title(lang: EN) kind "
            "startDate endDate hostCity } } } }")
S7_QUERY = ("query One($id: ID!) { serviceRequest(id: $id) { id number title state type createdAt "
            "localGovernment { code name } } }")
S5_MUTATION = ("mutation Submit { submitServiceRequest(input: { idempotencyKey: \"@KEY@\", "
               "type: GENERAL_INQUIRY, title: \"Benchmark inquiry\", description: \"Load test of the submission path.\", "
               "details: { generalInquiry: { topic: \"benchmark\" } } }) { id number state version } }")
PGL_S3_QUERY = ("query FanOut { allEvents(first: 20, orderBy: [START_DATE_ASC, SEQ_ASC], "
                "condition: { state: \"PUBLISHED\" }) { totalCount edges { cursor node { id titleEn startDate "
                "contributionsByEventId(condition: { state: \"ACCEPTED\" }) { nodes { titleEn practiceIds } } } } } }")
PGL_S5_MUTATION = ("mutation Submit { createServiceRequest(input: { serviceRequest: { id: \"@UUID@\", "
                   "number: \"@NUM@\", requestType: \"GENERAL_INQUIRY\", title: \"Benchmark inquiry\", "
                   "description: \"Load test of the submission path.\", details: \"{}\", state: \"SUBMITTED\", "
                   "requesterSubject: \"bench-pg\", requesterName: \"Bench\", localGovernmentCode: \"99999\", "
                   "routing: \"\", idempotencyKey: \"@KEY@\", createdAt: \"2026-01-01T00:00:00Z\", "
                   "updatedAt: \"2026-01-01T00:00:00Z\", firstResponseDueAt: \"2026-01-02T00:00:00Z\", "
                   "resolutionDueAt: \"2026-01-10T00:00:00Z\", version: \"1\" } }) { serviceRequest { id number state } } }")

OURS = ["gateway", "requests", "training", "events", "research", "postgres", "redis"]


def engine_body(s2_body):
    """Scenario 2's answer as async-graphql writes it: the same values, the keys in the order the
    query selects them (the gateway's answer has them sorted: its body goes through a
    serde_json map)."""
    event = json.loads(s2_body)["data"]["event"]
    order = ["id", "title", "kind", "state", "hostCountry", "hostCity", "venue", "startDate", "endDate",
             "capacity", "seatsTaken"]
    return json.dumps({"data": {"event": {k: event[k] for k in order}}}, ensure_ascii=False,
                      separators=(",", ":"))


def targets(tokens, event_id, s2_body, own_request_id):
    s2 = {"query": S2_QUERY, "variables": {"id": event_id}}
    return [
        {"name": "floor", "scenario": "1 floor (bare axum, scenario 2's bytes)",
         "url": f"http://127.0.0.1:{FLOOR}/graphql", "body": s2, "exact": s2_body, "stack": ["floor"]},
        {"name": "engine-floor", "scenario": "1b engine floor (async-graphql over in-memory data, scenario 2's query)",
         "url": f"http://127.0.0.1:{ENGINE}/graphql", "body": s2, "exact": engine_body(s2_body),
         "stack": ["engine-floor"]},
        {"name": "s2-cached-read", "scenario": "2 cached hot read: event(id)",
         "url": f"http://127.0.0.1:{GW_CACHED}/graphql", "body": s2, "exact": s2_body,
         "stack": OURS, "ops_port": GW_CACHED, "count_grpc": True},
        {"name": "s2-via-apollo", "scenario": "2 via Apollo Gateway (federation peer)",
         "url": f"http://127.0.0.1:{APOLLO}/", "body": s2, "expect": f'"id":"{event_id}"',
         "stack": ["apollo-gateway", *OURS], "ops_port": GW_CACHED, "count_grpc": True},
        {"name": "s2-via-hive", "scenario": "2 via Hive Gateway (federation peer)",
         "url": f"http://127.0.0.1:{HIVE}/graphql", "body": s2, "expect": f'"id":"{event_id}"',
         "stack": ["hive-gateway", *OURS], "ops_port": GW_CACHED, "count_grpc": True},
        {"name": "s3-fanout", "scenario": "3 uncached fan-out: events page of 20 → contributions → practices",
         "url": f"http://127.0.0.1:{GW_NOCACHE}/graphql", "body": {"query": S3_QUERY},
         "count_pattern": '"cursor":', "count_n": 20, "expect": '"practices":[{',
         "stack": ["gateway-nocache", *OURS[1:]], "ops_port": GW_NOCACHE, "count_grpc": True},
        {"name": "s3-postgraphile", "scenario": "3 PostGraphile: events page of 20 with contributions (events DB)",
         "url": f"http://127.0.0.1:{PGL_EVENTS}/graphql", "body": {"query": PGL_S3_QUERY},
         "count_pattern": '"cursor":', "count_n": 20, "expect": '"practiceIds":',
         "stack": ["postgraphile-events", "postgres"]},
        {"name": "s4-private-read", "scenario": "4 authenticated private read: own requests, page of 20",
         "url": f"http://127.0.0.1:{GW_CACHED}/graphql", "body": {"query": S4_QUERY}, "token": tokens["official"],
         "count_pattern": '"cursor":', "count_n": 20, "expect": '"localGovernment":{"code":"11000"',
         "stack": OURS, "ops_port": GW_CACHED, "count_grpc": True},
        {"name": "s6-cached-list", "scenario": "6 public list read: first page of 20 events (entity cache on)",
         "url": f"http://127.0.0.1:{GW_CACHED}/graphql", "body": {"query": S6_QUERY},
         "count_pattern": '"cursor":', "count_n": 20, "expect": '"hostCity":',
         "stack": OURS, "ops_port": GW_CACHED, "count_grpc": True},
        {"name": "s7-private-one", "scenario": "7 private read repeated: an official's own request by id",
         "url": f"http://127.0.0.1:{GW_CACHED}/graphql",
         "body": {"query": S7_QUERY, "variables": {"id": own_request_id}}, "token": tokens["official"],
         "expect": '"localGovernment":{"code":"11000"', "stack": OURS, "ops_port": GW_CACHED, "count_grpc": True},
        {"name": "s5-mutation", "scenario": "5 mutation: submitServiceRequest (idempotency key, audit, outbox)",
         "url": f"http://127.0.0.1:{GW_CACHED}/graphql", "body": {"query": S5_MUTATION}, "token": tokens["submitter"],
         "mutation": True, "expect": '"state":"STAFF_ASSIGNED"',
         "stack": OURS, "ops_port": GW_CACHED, "count_grpc": True},
        {"name": "s5-postgraphile", "scenario": "5 PostGraphile: createServiceRequest (one INSERT)",
         "url": f"http://127.0.0.1:{PGL_REQUESTS}/graphql", "body": {"query": PGL_S5_MUTATION},
         "mutation": True, "expect": '"state":"SUBMITTED"', "stack": ["postgraphile-requests", "postgres"]},
    ]


# ---------------------------------------------------------------- callgrind

def callgrind(n, event_id, out_dir):
    if not shutil.which("valgrind"):
        return {"error": "valgrind not installed"}
    prefix = out_dir / "callgrind.out"
    start_gateway("gateway-callgrind", GW_CALLGRIND, cached=True,
                  wrapper=("valgrind", "--tool=callgrind", f"--callgrind-out-file={prefix}.%p",
                           "--dump-instr=no", "--collect-atstart=yes"))
    body = {"query": S2_QUERY, "variables": {"id": event_id}}
    for _ in range(50):
        gql(GW_CALLGRIND, body["query"], variables=body["variables"])
    pid = PROCS["gateway-callgrind"].pid
    sh(["callgrind_control", "--zero", str(pid)], capture=True)
    t0 = time.time()
    for _ in range(n):
        status, resp = gql(GW_CALLGRIND, body["query"], variables=body["variables"])
        if status != 200 or b'"errors"' in resp:
            return {"error": f"bad response under callgrind: {resp[:200]!r}"}
    wall = time.time() - t0
    sh(["callgrind_control", "--dump=bench", str(pid)], capture=True)
    time.sleep(1)
    dumps = sorted(out_dir.glob(f"callgrind.out.{pid}.*"), key=lambda p: p.stat().st_mtime)
    stop("gateway-callgrind")
    if not dumps:
        return {"error": "no callgrind dump"}
    dump = dumps[-1]
    total = None
    for line in dump.read_text(errors="replace").splitlines():
        if line.startswith("summary:") or line.startswith("totals:"):
            total = int(line.split()[1])
    ann = sh(["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(dump)],
             capture=True, check=False).stdout
    top = []
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)", line)
        if m and "PROGRAM TOTALS" not in line and float(m.group(2)) <= 100.0 and "'2" not in line:
            name = m.group(3)
            name = re.sub(r"^\?\?\?:", "", name)
            name = re.sub(r" \[.*\]$", "", name)
            top.append({"ir": int(m.group(1).replace(",", "")), "pct": float(m.group(2)), "fn": name[:160]})
    excl = sh(["callgrind_annotate", "--threshold=100", str(dump)], capture=True, check=False).stdout
    top_self = []
    for line in excl.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)", line)
        # callgrind_annotate 3.19 also lists the thread entry frames here; they are not self cost
        if m and "PROGRAM TOTALS" not in line and float(m.group(2)) < 50.0:
            name = re.sub(r" \[.*\]$", "", re.sub(r"^\?\?\?:", "", m.group(3)))
            top_self.append({"ir": int(m.group(1).replace(",", "")), "pct": float(m.group(2)), "fn": name[:160]})
    (out_dir / "callgrind_inclusive.txt").write_text(ann)
    (out_dir / "callgrind_self.txt").write_text(excl)
    return {"requests": n, "total_ir": total, "ir_per_request": (total or 0) / n,
            "wall_s_under_valgrind": wall, "dump": dump.name,
            "top_inclusive": top[:40], "top_self": top_self[:30]}


# ---------------------------------------------------------------- report

def med(values):
    return statistics.median(values) if values else None


def fmt(v, digits=2):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def summarise(runs):
    good = [r for r in runs if not r.get("void")]
    out = {"rounds": len(runs), "void_rounds": len(runs) - len(good)}
    for key in ("rps", "p50_ms", "p99_ms", "cpu_ms_per_req_total", "grpc_calls_per_req",
                "pg_xacts_per_req", "pg_statement_ms_per_req", "pg_cgroup_ms_per_req"):
        vals = [r[key] for r in good if r.get(key) is not None]
        if vals:
            out[key] = {"median": med(vals), "min": min(vals), "max": max(vals)}
    roles = {}
    for r in good:
        for role, v in r.get("cpu_ms_per_req", {}).items():
            roles.setdefault(role, []).append(v)
    out["cpu_ms_per_req_by_process"] = {k: med(v) for k, v in roles.items()}
    return out


def mmm(s, key, digits=2):
    v = s.get(key)
    if not v:
        return "—"
    return f"{fmt(v['median'], digits)} ({fmt(v['min'], digits)}–{fmt(v['max'], digits)})"


def write_report(out_dir, result):
    (out_dir / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    L = []
    L.append(f"# Glocal benchmark results — {result['started_utc']}\n")
    m = result["machine"]
    L.append(f"Machine: {m['cpu']} × {m['nproc']} CPUs, {m['mem_gb']} GB, kernel {m['kernel']}; "
             f"load average before the run {m['loadavg_before']}.\n")
    L.append(f"Rounds: {result['config']['rounds']} interleaved × {len(result['summary'])} targets × "
             f"{result['config']['seconds']} s, wrk -t{result['config']['threads']} -c{result['config']['connections']} "
             "(closed loop). Medians, min–max over rounds.\n")
    cfg = result["config"]
    L.append(f"PostgreSQL autovacuum: {cfg.get('autovacuum')}; "
             + ("every bench database vacuumed (`VACUUM (ANALYZE)`) before each measured run, outside its window.\n"
                if cfg.get("vacuum_before_each_run") else "no vacuum between runs (`--no-vacuum`).\n"))
    L.append("Data: " + ", ".join(f"{k} {v}" for k, v in result["data"].items()) + ".\n")
    L.append("| target | scenario | req/s | p50 ms | p99 ms | CPU ms/req (stack) | gRPC calls/req | void |")
    L.append("| --- | --- | --: | --: | --: | --: | --: | --: |")
    for t in result["targets"]:
        s = result["summary"][t["name"]]
        L.append(f"| {t['name']} | {t['scenario']} | {mmm(s, 'rps', 0)} | {mmm(s, 'p50_ms')} | "
                 f"{mmm(s, 'p99_ms')} | {mmm(s, 'cpu_ms_per_req_total', 3)} | {mmm(s, 'grpc_calls_per_req')} | "
                 f"{s['void_rounds']}/{s['rounds']} |")
    L.append("\n## Ratios\n")
    L.append("| ratio | value |")
    L.append("| --- | --: |")
    for k, v in result["ratios"].items():
        L.append(f"| {k} | {fmt(v)} |")
    L.append("\n## CPU per request by process (medians, ms)\n")
    L.append("| target | " + " | ".join(["process", "ms/req"]) + " |")
    L.append("| --- | --- | --: |")
    for t in result["targets"]:
        for role, v in result["summary"][t["name"]]["cpu_ms_per_req_by_process"].items():
            L.append(f"| {t['name']} | {role} | {fmt(v, 3)} |")
    L.append("\n## Database CPU, counted independently (medians, ms per request)\n")
    L.append("/proc: the CPU time of every PostgreSQL process, live backends plus what the postmaster "
             "reaped from backends that exited during the run (the figure every table above uses). "
             "cgroup: the kernel's CPU counter of a cgroup holding every PostgreSQL process (forked "
             "backends inherit it; exited ones stay counted) — the same quantity by another route, "
             "so the two should agree within 10 %. pg_stat_statements: PostgreSQL's own execution + "
             "planning time of the statements (wall time in the executor: it leaves out parsing, "
             "the protocol, commits and connection start-up, and counts waits), for the order of "
             "magnitude only.\n")
    L.append("| target | transactions/req | /proc CPU | cgroup CPU | /proc ÷ cgroup | pg_stat_statements | agree within 10 % |")
    L.append("| --- | --: | --: | --: | --: | --: | --- |")
    for t in result["targets"]:
        s = result["summary"][t["name"]]
        pg = s["cpu_ms_per_req_by_process"].get("postgres")
        if pg is None:
            continue
        cg = s.get("pg_cgroup_ms_per_req", {}).get("median")
        st = s.get("pg_statement_ms_per_req", {}).get("median")
        ratio = pg / cg if cg else None
        agree = "n/a" if ratio is None else ("yes" if abs(ratio - 1) <= 0.10 else "**no**")
        L.append(f"| {t['name']} | {fmt(s.get('pg_xacts_per_req', {}).get('median'), 2)} | {fmt(pg, 3)} | "
                 f"{fmt(cg, 3)} | {fmt(ratio)} | {fmt(st, 3)} | {agree} |")
    L.append("\n## Open loop (oha, fixed rate, latency corrected for coordinated omission)\n")
    L.append("| target | rate | achieved req/s | p50 ms | p99 ms | p99.9 ms | max ms | void |")
    L.append("| --- | --: | --: | --: | --: | --: | --: | --- |")
    for name, r in result["open_loop"].items():
        L.append(f"| {name} | {r.get('rate')} | {fmt(r.get('rps'), 0)} | {fmt(r.get('p50_ms'))} | "
                 f"{fmt(r.get('p99_ms'))} | {fmt(r.get('p999_ms'))} | {fmt(r.get('max_ms'))} | "
                 f"{'VOID: ' + r['why'] if r.get('void') else 'no'} |")
    w = result.get("s5_waits") or {}
    L.append("\n## What scenario 5's submissions wait on (pg_stat_activity, pg_locks; a separate run)\n")
    L.append(f"Mean over {w.get('samples', 0)} samples, 100 ms apart, of the requests database's active "
             "backends by wait event, and of the locks not granted.\n")
    L.append("| active backends: wait | mean |")
    L.append("| --- | --: |")
    for k, v in (w.get("active_backends_by_wait") or {}).items():
        L.append(f"| {k} | {v} |")
    L.append("\n| ungranted lock | mean |")
    L.append("| --- | --: |")
    for k, v in (w.get("ungranted_locks") or {}).items():
        L.append(f"| {k} | {v} |")
    L.append("\n## gRPC alone (glocal-bench grpc-load, closed loop, hdrhistogram)\n")
    L.append("| call | concurrency | req/s | p50 µs | p90 µs | p99 µs | max µs |")
    L.append("| --- | --: | --: | --: | --: | --: | --: |")
    for r in result["grpc_load"]:
        if "error" in r:
            L.append(f"| {r.get('call')} | — | error: {r['error']} | | | | |")
        else:
            L.append(f"| {r['call']} | {r['concurrency']} | {fmt(r['rps'], 0)} | {r['p50_us']} | {r['p90_us']} | "
                     f"{r['p99_us']} | {r['max_us']} |")
    L.append("\n## Peak RSS (VmHWM, MB)\n")
    L.append("| process | MB |")
    L.append("| --- | --: |")
    for k, v in result["peak_rss_mb"].items():
        L.append(f"| {k} | {fmt(v, 1)} |")
    cg = result.get("callgrind", {})
    L.append("\n## Callgrind: gateway hot path (scenario 2, cached)\n")
    if "error" in cg:
        L.append(f"Error: {cg['error']}")
    else:
        L.append(f"{fmt(cg['ir_per_request'], 0)} instructions per request "
                 f"({cg['requests']} requests after warm-up, total {fmt(cg['total_ir'])} Ir).\n")
        L.append("Top inclusive:\n")
        L.append("| % | function |")
        L.append("| --: | --- |")
        for f in cg["top_inclusive"][:25]:
            L.append(f"| {f['pct']:.1f} | `{f['fn']}` |")
        L.append("\nTop self:\n")
        L.append("| % | function |")
        L.append("| --: | --- |")
        for f in cg["top_self"][:20]:
            L.append(f"| {f['pct']:.1f} | `{f['fn']}` |")
    voids = [f"{t} round {i + 1}: {r['why']}" for t, runs in result["runs"].items()
             for i, r in enumerate(runs) if r.get("void")]
    voids += [f"open loop {k}: {r['why']}" for k, r in result["open_loop"].items() if r.get("void")]
    L.append("\n## Void runs\n")
    L.append("\n".join(f"- {v}" for v in voids) if voids else "None: every response was 200 with the expected body "
             "and no GraphQL errors.")
    (out_dir / "results.md").write_text("\n".join(L) + "\n")


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {"cpu": cpu, "nproc": os.cpu_count(), "mem_gb": mem, "kernel": os.uname().release,
            "loadavg_before": Path("/proc/loadavg").read_text().split()[:3]}


def versions():
    def out(cmd):
        r = sh(cmd, capture=True, check=False)
        return (r.stdout or r.stderr).strip().splitlines()[0] if (r.stdout or r.stderr).strip() else "?"
    pkg = lambda p, peer: json.loads((PEERS / peer / "node_modules" / p / "package.json").read_text())["version"]  # noqa: E731
    return {
        "rustc": out(["rustc", "--version"]),
        "glocal": out([str(GLOCAL), "--version"]),
        "wrk": out(["wrk", "-v"]),
        "oha": out([str(TOOLS / "bin" / "oha"), "--version"]),
        "valgrind": out(["valgrind", "--version"]),
        "node": out(["node", "--version"]),
        "postgres": out(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"]),
        "redis": next((line.strip() for line in sh(["redis-cli", "INFO", "server"], capture=True).stdout.splitlines()
                       if line.startswith("redis_version")), "?"),
        "postgraphile": pkg("postgraphile", "postgraphile"),
        "@apollo/gateway": pkg("@apollo/gateway", "federation"),
        "@apollo/server": pkg("@apollo/server", "federation"),
        "@graphql-hive/gateway-runtime": pkg("@graphql-hive/gateway-runtime", "hive"),
    }


# ---------------------------------------------------------------- profile

def profile(target, args, lua_dir, out_dir):
    """A flat CPU profile of the whole machine while `target` is under load: perf samples
    every process (999 Hz) during one wrk run; the report groups self time by process and
    symbol (release binaries keep their symbol tables)."""
    name = target["name"]
    run_wrk(target, 2, args.connections, args.threads, lua_dir, "warmup")
    vacuum(args)
    data = out_dir / f"perf-{name}.data"
    rec = subprocess.Popen(["perf", "record", "-F", "999", "-a", "-q", "-o", str(data), "--",
                            "sleep", str(args.seconds + 1)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    r = run_wrk(target, args.seconds, args.connections, args.threads, lua_dir, "profile")
    rec.wait()
    head = (f"# {name}: {r.get('rps', 0):.0f} req/s, CPU {r.get('cpu_ms_per_req_total', 0):.3f} ms/req "
            f"({', '.join(f'{k} {v:.3f}' for k, v in r.get('cpu_ms_per_req', {}).items())})"
            + (f" VOID {r['why']}" if r.get("void") else "") + "\n")
    parts = [head]
    for role in target["stack"]:
        pids = role_pids(role)
        if not pids or r.get("cpu_ms_per_req", {}).get(role, 0) < 0.01:
            continue
        report = sh(["perf", "report", "-i", str(data), "--stdio", "--no-children", "--sort", "dso,sym",
                     "--pid", ",".join(str(p) for p in pids), "--percentage", "relative",
                     "--percent-limit", "0.4"],
                    capture=True, check=False).stdout
        rows = [re.sub(r"\s+", " ", line).strip()[:160] for line in report.splitlines()
                if line.strip() and not line.startswith("#")]
        parts.append(f"\n## {role}: {r['cpu_ms_per_req'][role]:.3f} ms/req; share of its samples by symbol\n")
        parts.extend(f"    {row}\n" for row in rows)
    (out_dir / f"profile-{name}.txt").write_text("".join(parts))
    data.unlink(missing_ok=True)
    log(f"profile of {name}: {out_dir / f'profile-{name}.txt'}")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke check: 1 round, short runs, small data set")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=6, help="seconds per closed-loop run")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rate", type=int, default=0,
                    help="open-loop requests per second (default: half the slowest closed-loop rate of each group)")
    ap.add_argument("--callgrind-requests", type=int, default=200)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--no-vacuum", action="store_true",
                    help="do not VACUUM (ANALYZE) the bench databases before each measured run "
                         "(the machine's PostgreSQL runs without autovacuum)")
    ap.add_argument("--out", help="results folder (default bench-results/<UTC timestamp>)")
    ap.add_argument("--profile", metavar="TARGETS",
                    help="instead of the rounds: a CPU profile (perf, every process, by symbol) of each named "
                         "target under load, e.g. s4-private-read,s3-fanout; writes profile-<target>.txt")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.seconds, args.callgrind_requests = 1, 2, 30
    started = datetime.now(timezone.utc)
    out_dir = Path(args.out) if args.out else ROOT / "bench-results" / started.strftime("%Y%m%dT%H%M%SZ")
    out_dir.mkdir(parents=True, exist_ok=True)
    lua_dir = out_dir / "lua"
    lua_dir.mkdir(exist_ok=True)
    t_start = time.time()
    mach = machine()
    ensure_tools(need_oha=True, need_perf=bool(args.profile))
    if not args.no_build:
        build()
    mach["pg_stat_statements"] = pg_statements_ready()
    global PG_CGROUP
    PG_CGROUP = pg_cgroup()
    mach["pg_cgroup"] = PG_CGROUP is not None
    any_void = False
    try:
        seed_seconds = start_stack(args)
        data = data_counts()
        data["seed_seconds"] = round(seed_seconds, 1)
        log(f"data: {data}")
        tokens = {
            "official": token("local_official", "11000", "bench-official-11000-0", "Bench Official Seoul"),
            "submitter": token("local_official", "26000", "bench-submitter", "Bench Submitter Busan"),
        }
        status, resp = gql(GW_CACHED, "{ events(first: 1) { edges { node { id } } } }")
        event_id = json.loads(resp)["data"]["events"]["edges"][0]["node"]["id"]
        status, s2_bytes = gql(GW_CACHED, S2_QUERY, variables={"id": event_id})
        s2_body = s2_bytes.decode()
        if status != 200 or '"errors"' in s2_body:
            raise SystemExit(f"scenario 2 answer is not clean: {s2_body}")
        (out_dir / "scenario2-body.json").write_bytes(s2_bytes)
        start("floor", [str(BENCH), "floor", "--listen", f"127.0.0.1:{FLOOR}", "--body",
                        str(out_dir / "scenario2-body.json")])
        wait_http(f"http://127.0.0.1:{FLOOR}/graphql", "floor")
        start("engine-floor", [str(BENCH), "engine", "--listen", f"127.0.0.1:{ENGINE}", "--body",
                               str(out_dir / "scenario2-body.json")])
        wait_http(f"http://127.0.0.1:{ENGINE}/healthz", "engine-floor")
        log("starting the peers (PostGraphile ×2, Apollo Gateway, Hive Gateway)")
        start_peers()
        status, resp = gql(GW_CACHED, S4_QUERY, token=tokens["official"])
        own_request_id = json.loads(resp)["data"]["serviceRequests"]["edges"][0]["node"]["id"]
        tgts = targets(tokens, event_id, s2_body, own_request_id)
        for t in tgts:  # one clean answer each, before any load
            status, resp = gql_url(t["url"], t["body"], t.get("token"), mutation=t.get("mutation"))
            if status != 200 or b'"errors"' in resp:
                raise SystemExit(f"target {t['name']} answers badly: {status} {resp[:500]!r}")
        if args.profile:
            for name in args.profile.split(","):
                target = next((t for t in tgts if t["name"] == name.strip()), None)
                if target is None:
                    raise SystemExit(f"--profile: no target {name!r}; targets: {', '.join(t['name'] for t in tgts)}")
                profile(target, args, lua_dir, out_dir)
            return
        log("warming up every target")
        for t in tgts:
            run_wrk(t, 1 if args.quick else 2, args.connections, args.threads, lua_dir, "warmup")
        runs = {t["name"]: [] for t in tgts}
        for rnd in range(args.rounds):
            order = tgts[rnd % len(tgts):] + tgts[:rnd % len(tgts)]
            for t in order:
                vacuum(args)
                r = run_wrk(t, args.seconds, args.connections, args.threads, lua_dir, f"r{rnd}")
                r["round"] = rnd + 1
                runs[t["name"]].append(r)
                log(f"round {rnd + 1} {t['name']}: {r.get('rps', 0):.0f} req/s p99 {r.get('p99_ms', 0):.2f} ms"
                    f" cpu {r.get('cpu_ms_per_req_total', 0):.3f} ms/req"
                    + (f" grpc {r['grpc_calls_per_req']:.2f}/req" if "grpc_calls_per_req" in r else "")
                    + (f" VOID {r['why']}" if r.get("void") else ""))
        open_loop = {}
        by_name = {t["name"]: t for t in tgts}
        log("scenario 5's waits (pg_stat_activity, pg_locks), a separate unmeasured run")
        s5_waits = wait_profile(by_name["s5-mutation"], 3 if args.quick else 6, args.connections,
                                args.threads, lua_dir)
        log(f"scenario 5 waits: {s5_waits}")

        def median_rps(name):
            good = [r["rps"] for r in runs[name] if not r.get("void")]
            return statistics.median(good) if good else 1

        # One fixed rate per group, the same for every member: half what the slowest member
        # sustained closed-loop (or --rate), so each runs at a steady, unsaturated load.
        for group in (("floor", "engine-floor", "s2-cached-read", "s2-via-apollo", "s2-via-hive"),
                      ("s3-fanout", "s3-postgraphile")):
            rate = args.rate or max(5, int(0.5 * min(median_rps(n) for n in group)))
            log(f"open loop at {rate} req/s: {', '.join(group)}")
            for name in group:
                vacuum(args)
                open_loop[name] = run_oha(by_name[name], rate, 3 if args.quick else 8, args.connections)
                log(f"open loop {name}: p99 {open_loop[name].get('p99_ms', 0):.2f} ms"
                + (f" VOID {open_loop[name]['why']}" if open_loop[name].get("void") else ""))
        log("gRPC alone")
        grpc_load = []
        for call, svc in (("get-practice", "research"), ("batch-get-local-governments", "requests")):
            r = sh([str(BENCH), "grpc-load", "--url", f"http://127.0.0.1:{GRPC_PORT[svc]}", "--call", call,
                    "--concurrency", str(args.connections), "--duration", "2" if args.quick else "5"],
                   capture=True, check=False)
            try:
                grpc_load.append(json.loads(r.stdout.strip().splitlines()[-1]))
            except (json.JSONDecodeError, IndexError):
                grpc_load.append({"call": call, "error": (r.stderr or r.stdout)[-300:]})
        peak = {}
        for name, p in PROCS.items():
            kb = sum(vm_hwm_kb(pid) or 0 for pid in descendants(p.pid))
            peak[name] = kb / 1024
        log(f"callgrind: {args.callgrind_requests} scenario-2 requests through a gateway under valgrind")
        cg = callgrind(args.callgrind_requests, event_id, out_dir)
        summary = {name: summarise(rs) for name, rs in runs.items()}

        def m(name, key):
            v = summary[name].get(key)
            return v["median"] if v else None

        def ratio(a, b):
            return a / b if a is not None and b else None

        ratios = {
            "scenario 2 / floor, req/s": ratio(m("s2-cached-read", "rps"), m("floor", "rps")),
            "scenario 2 / floor, CPU per request": ratio(m("s2-cached-read", "cpu_ms_per_req_total"),
                                                        m("floor", "cpu_ms_per_req_total")),
            "scenario 2 / engine floor, CPU per request": ratio(m("s2-cached-read", "cpu_ms_per_req_total"),
                                                               m("engine-floor", "cpu_ms_per_req_total")),
            "engine floor / floor, CPU per request": ratio(m("engine-floor", "cpu_ms_per_req_total"),
                                                          m("floor", "cpu_ms_per_req_total")),
            "via Apollo Gateway / direct, CPU per request (scenario 2)":
                ratio(m("s2-via-apollo", "cpu_ms_per_req_total"), m("s2-cached-read", "cpu_ms_per_req_total")),
            "via Apollo Gateway / direct, req/s (scenario 2)":
                ratio(m("s2-via-apollo", "rps"), m("s2-cached-read", "rps")),
            "via Hive Gateway / direct, CPU per request (scenario 2)":
                ratio(m("s2-via-hive", "cpu_ms_per_req_total"), m("s2-cached-read", "cpu_ms_per_req_total")),
            "via Hive Gateway / direct, req/s (scenario 2)":
                ratio(m("s2-via-hive", "rps"), m("s2-cached-read", "rps")),
            "ours / PostGraphile, CPU per request (scenario 3)":
                ratio(m("s3-fanout", "cpu_ms_per_req_total"), m("s3-postgraphile", "cpu_ms_per_req_total")),
            "ours / PostGraphile, req/s (scenario 3)": ratio(m("s3-fanout", "rps"), m("s3-postgraphile", "rps")),
            "ours / PostGraphile, CPU per request (scenario 5)":
                ratio(m("s5-mutation", "cpu_ms_per_req_total"), m("s5-postgraphile", "cpu_ms_per_req_total")),
            "ours / PostGraphile, req/s (scenario 5)": ratio(m("s5-mutation", "rps"), m("s5-postgraphile", "rps")),
            "open-loop p99 ms: ours scenario 2 / via Apollo":
                ratio(open_loop["s2-cached-read"].get("p99_ms"), open_loop["s2-via-apollo"].get("p99_ms")),
            "open-loop p99 ms: ours scenario 2 / via Hive":
                ratio(open_loop["s2-cached-read"].get("p99_ms"), open_loop["s2-via-hive"].get("p99_ms")),
            "open-loop p99 ms: ours scenario 3 / PostGraphile":
                ratio(open_loop["s3-fanout"].get("p99_ms"), open_loop["s3-postgraphile"].get("p99_ms")),
        }
        result = {
            "started_utc": started.isoformat(timespec="seconds"),
            "wall_seconds": None,
            "machine": mach, "versions": versions(), "data": data,
            "config": {"rounds": args.rounds, "seconds": args.seconds, "connections": args.connections,
                       "threads": args.threads, "rate": args.rate, "quick": args.quick,
                       "vacuum_before_each_run": not args.no_vacuum,
                       "autovacuum": psql("SHOW autovacuum")},
            "queries": {"s2": S2_QUERY, "s3": S3_QUERY, "s4": S4_QUERY, "s5": S5_MUTATION,
                        "postgraphile_s3": PGL_S3_QUERY, "postgraphile_s5": PGL_S5_MUTATION},
            "targets": [{"name": t["name"], "scenario": t["scenario"], "url": t["url"]} for t in tgts],
            "runs": runs, "summary": summary, "ratios": ratios, "open_loop": open_loop,
            "grpc_load": grpc_load, "peak_rss_mb": peak, "callgrind": cg, "s5_waits": s5_waits,
            "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
        }
        result["wall_seconds"] = round(time.time() - t_start, 1)
        write_report(out_dir, result)
        any_void = any(r.get("void") for rs in runs.values() for r in rs) or \
            any(r.get("void") for r in open_loop.values())
    finally:
        stop_all()
    print((out_dir / "results.md").read_text())
    log(f"results: {out_dir} ({time.time() - t_start:.0f} s)")
    if any_void:
        log("some runs are VOID (see the table)")
        sys.exit(1)


def gql_url(url, body, token=None, mutation=False):
    text = json.dumps(body)
    if mutation:
        stamp = f"check-{int(time.time() * 1000)}"
        text = text.replace("@KEY@", stamp).replace("@NUM@", "OB-2029-000001").replace("@UUID@", "00000000-0000-4000-8000-" + f"{int(time.time()*1000) % 10**12:012d}")
    req = urllib.request.Request(url, data=text.encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


if __name__ == "__main__":
    main()
