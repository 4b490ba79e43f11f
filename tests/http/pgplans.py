"""pgplans.py -- what test_pg_plans.py and bench/province_bench.py share:
the tables a sequential scan of is refused, the connection options that
make a PostgreSQL session log every plan to its client, and the parser of
those plans.  Not a test module."""
import re

#: Tables that grow with the students (every one in src/db/migrations-pg
#: holding a row per student, per event or decision about one, or per
#: class).  A Seq Scan on any of them is what the check refuses.
REGISTRY_TABLES = {
    "students", "student_events", "student_aliases", "student_warnings",
    "student_placements", "student_merges", "warning_confirms",
    "duplicate_flags", "guardian_ids", "audit_log", "auth_log",
    "change_requests", "change_steps", "change_actions", "suspensions",
    "imports", "absences", "absence_history", "dropout_cases",
    "dropout_entries", "ghost_candidates", "verify_ticks", "verify_state",
    "progressions", "graduations", "allocation_items", "year_end_items",
    "year_end_blocked", "class_size_moves", "classes", "user_classes",
    "student_identities", "registry_numbers",
}
# Not sessions: it holds the live log-ins only (the sweep's "DELETE ...
# WHERE expires_at <= $1" reads them all, a few per user, every minute).

#: Every session of a checked server: auto_explain loaded, every plan
#: (nested statements too) sent to the client at WARNING (xueji's
#: sessions keep client_min_messages = warning; libpq's default notice
#: processor writes it to the server's stderr) and kept out of the
#: cluster's log.
EXPLAIN_OPTIONS = ("session_preload_libraries=auto_explain",
                   "auto_explain.log_min_duration=0",
                   "auto_explain.log_nested_statements=on",
                   "auto_explain.log_level=warning",
                   "log_min_messages=error")


def options(seqscan=True):
    """The libpq `options` value: EXPLAIN_OPTIONS, and with @seqscan false
    sequential scans priced out (enable_seqscan=off: one still chosen has
    no index that could serve its statement)."""
    opts = EXPLAIN_OPTIONS + (() if seqscan else ("enable_seqscan=off",))
    return " ".join("-c " + o for o in opts)


OPTIONS = options(seqscan=False)


#: A partition of a partitioned table (migration 0040: one per province
#: and a default, e.g. students_44): its table is the name before.
PARTITION = re.compile(r"^(\w+?)_(\d{2}|default)$")


def table_of(name):
    """The table a scanned relation @name belongs to (a partition's
    parent, else itself)."""
    m = PARTITION.match(name)
    return m.group(1) if m else name


def explained(text):
    """auto_explain's messages in @text -> [(statement, plan)], the
    statement's text on one line."""
    out = []
    for block in re.split(r"^WARNING:  duration: [0-9.]+ ms  plan:\n", text,
                          flags=re.M)[1:]:
        m = re.match(r"Query Text: (.*?)\n(?=\S)", block, re.S)
        out.append((" ".join((m.group(1) if m else block[:300]).split()),
                    block))
    return out


def plans(text):
    """auto_explain's messages in @text -> [(statement, [table scanned
    sequentially])]; a partition counts as its table."""
    return [(stmt, [table_of(t) for t in re.findall(r"Seq Scan on (\w+)",
                                                    block)])
            for stmt, block in explained(text)]


def partitions(text, table):
    """auto_explain's messages in @text -> [(statement, {partition of
    @table the plan reads})], for the statements that read @table's
    partitions (those pruned when the statement started are not in the
    plan)."""
    scan = re.compile(r"Scan (?:Backward )?(?:using \w+ )?on (%s_(?:\d{2}"
                      r"|default))\b" % re.escape(table))
    return [(stmt, set(scan.findall(block)))
            for stmt, block in explained(text) if scan.search(block)]


def index_scans(plan):
    """[(relation, index, its Index Cond or "")] of every Index (Only)
    Scan in one statement's @plan: "" is a walk of the whole index."""
    out = []
    lines = plan.split("\n")
    for i, line in enumerate(lines):
        n = re.search(r"Index (?:Only )?Scan (?:Backward )?using (\w+) on"
                      r" (\w+)", line)
        if not n:
            continue
        depth = len(line) - len(line.lstrip())
        cond = ""
        for nxt in lines[i + 1:]:
            d = len(nxt) - len(nxt.lstrip())
            if not nxt.strip() or d <= depth or \
                    nxt.strip().startswith("->"):
                break
            if nxt.strip().startswith("Index Cond:"):
                cond = nxt.strip()[len("Index Cond:"):].strip()
        out.append((n.group(2), n.group(1), cond))
    return out


def index_walks(text):
    """auto_explain's messages in @text -> [(statement, table, index)] of
    every Index (Only) Scan without an Index Cond: a walk of the whole
    index, which costs a large table as much as a Seq Scan (a partial
    index or a LIMIT can make it cheap: the reader judges)."""
    return [(stmt, rel, index) for stmt, plan in explained(text)
            for rel, index, cond in index_scans(plan) if not cond]
