"""RDS Data API ``ExecuteStatement`` that runs the SQL on a real PostgreSQL.

moto 5.2.5 answers ExecuteStatement without running anything (an empty result, or
canned results queued through ``/moto-api/static/rds-data/statement-results``). Here a
DB cluster ARN can be mapped to a PostgreSQL URL (gateway.py, ``/dr-emulator/rds-data``);
a statement for a mapped ARN then runs on that database, autocommitted, and the answer
has the Data API's shape. An unmapped ARN keeps moto's behaviour.

The patch sits on moto's rds-data backend (with the response passing it the rest of the
request), so a direct SDK call and the ``arn:aws:states:::aws-sdk:rdsdata:executeStatement``
task of moto's Step Functions (which calls back into this server) both go through it,
and both are cut by the region outage switch like any signed request.

What the Data API does and this does too:

- Parameters are named (``:name`` in the SQL) Field values, sent with the types the Data
  API's JDBC driver gives them: stringValue as ``varchar`` (so a string for a timestamp
  or uuid column needs its typeHint, as on AWS), longValue ``int8``, doubleValue
  ``float8``, booleanValue ``bool``, blobValue ``bytea``, isNull untyped; typeHint DATE,
  TIME, TIMESTAMP, DECIMAL, UUID send the string as that type, JSON lets PostgreSQL infer
  json or jsonb. Array parameters are refused, as AWS refuses them.
- ``records``: one list of Fields per row. str -> stringValue; int -> longValue
  (stringValue with resultSetOptions.longReturnType STRING); float -> doubleValue;
  numeric -> stringValue (longValue/doubleValue with decimalReturnType DOUBLE_OR_LONG);
  bool -> booleanValue; NULL -> isNull; timestamp -> stringValue ``YYYY-MM-DD HH:MM:SS``,
  then ``.fff...`` without trailing zeros when there are fractional seconds (timestamptz
  in UTC); date -> ``YYYY-MM-DD``, time -> ``HH:MM:SS[.fff...]``; bytea -> blobValue;
  json/jsonb, uuid and anything else -> stringValue; arrays -> arrayValue.
- ``formatRecordsAs: JSON``: ``formattedRecords``, a JSON string of an array of objects
  keyed by column name (the same conversions, as JSON values), and no ``records``.
- ``numberOfRecordsUpdated``: the command's row count; 0 for a statement that returns
  rows (a SELECT, or an INSERT ... RETURNING), as the Data API reports it.
- ``columnMetadata`` with ``includeResultMetadata``: name, label, JDBC type code and
  PostgreSQL type name, precision, scale, nullability, table name.
- A SQL error is HTTP 400 ``BadRequestException`` whose message is PostgreSQL's, written
  as the Data API writes it (``ERROR: ...; SQLState: 42P01``). A PostgreSQL that cannot
  be reached is 504 ``DatabaseUnavailableException``.
- Transactions: ``BeginTransaction`` opens a session of its own as the secret's user and
  starts a transaction there (READ ONLY on a member that takes no writes); an
  ``ExecuteStatement`` with that ``transactionId`` runs in it, not autocommitted (a failed
  statement leaves it aborted, as PostgreSQL does); ``CommitTransaction`` /
  ``RollbackTransaction`` end it and its session (``Transaction Committed`` /
  ``Rollback Complete``). An unknown or ended id is 404 ``TransactionNotFoundException``.
  Unmapped clusters keep moto's (absent) behaviour: an id that does nothing.
- The master user: RDS creates the cluster's master user with its MasterUserPassword and
  makes it the owner of the cluster's database. Mapping a cluster (or a global-database
  member: the writer's master user is the global database's) does the same in the mapped
  PostgreSQL (a login role with CREATEROLE and CREATEDB, owner of the database: the
  nearest plain PostgreSQL has to Aurora's ``rds_superuser`` master); after a
  ModifyDBCluster with a new MasterUserPassword it is set again (before the next
  statement or transaction) and the sessions of the old one end, so a statement run with
  the master secret logs in only while that secret holds the cluster's password (on a
  server that checks passwords). A PostgreSQL in recovery (a hot standby: the live
  sandbox's secondary region) is read-only and gets the user from its writer by
  replication, so nothing is set there.
- Aurora global database: a member cluster that is not the writer (a secondary, or the
  old primary after a failover) is read-only, so its statements run in a READ ONLY
  transaction and PostgreSQL itself refuses a write ("cannot execute INSERT in a
  read-only transaction"). While the global cluster is switching over or failing over
  no member takes writes. A detached or standalone cluster is writable.

- Credentials: a statement runs as the database user of the secret named by
  ``secretArn`` (its ``username``/``password`` JSON, read from this emulator's Secrets
  Manager in the secret's region), as on AWS: the mapped URL supplies host, port and
  database only. So the user's privileges apply (a DML-only user's UPDATE of a column it
  may not write is PostgreSQL's "permission denied"), a wrong password is PostgreSQL's
  authentication failure, and a secret that is missing or has no value is refused
  (``BadRequestException``) before any SQL runs.

The request's ``database`` is not used: the mapped URL names the database.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import math
import re
import threading
import uuid
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pg8000.native
from pg8000.exceptions import DatabaseError, InterfaceError
from moto.core.exceptions import JsonRESTError
from moto.rds.models import rds_backends
from moto.secretsmanager.models import secretsmanager_backends
from moto.rdsdata.models import RDSDataServiceBackend
from moto.rdsdata import urls as rdsdata_urls
from moto.rdsdata.responses import RDSDataServiceResponse

from . import state

SECRET_ARN_RE = re.compile(r"^arn:aws[a-z-]*:secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):secret:.+$")
CLUSTER_ARN_RE = re.compile(r"^arn:aws[a-z-]*:rds:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):cluster:([A-Za-z][A-Za-z0-9-]*)$")
CONNECT_TIMEOUT_SECONDS = 5.0
STATEMENT_TIMEOUT_SECONDS = 45.0  # the Data API's own limit for a synchronous call


class DataApiError(JsonRESTError):
    def __init__(self, error_type: str, message: str, status: int = 400):
        super().__init__(error_type, message)
        self.code = status


def _key(arn: str) -> str:
    # moto keeps cluster identifiers lower-case; Aurora matches them case-insensitively.
    return arn.lower()


# --- the mapping (control endpoint) ---------------------------------------------------


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    user = unquote(parts.username or "")
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user + '@' if user else ''}{host}{port}{parts.path}"


def _validate_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"url must be postgresql://user:password@host:port/database, got scheme {parts.scheme!r}")
    if not parts.hostname or not parts.username or not parts.path.strip("/"):
        raise ValueError("url must name a user, a host and a database: postgresql://user[:password]@host[:port]/database")
    parts.port  # noqa: B018 - raises ValueError for a port that is not a number


def listing() -> dict[str, Any]:
    with state.STATE.lock:
        mapped = dict(state.STATE.data_api)
    return {"clusters": {arn: _redacted(url) for arn, url in sorted(mapped.items())}}


def control(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST /dr-emulator/rds-data {"clusterArn": ..., "url": ... | null}."""
    arn, url = body.get("clusterArn"), body.get("url", ...)
    if not isinstance(arn, str) or not CLUSTER_ARN_RE.match(arn):
        return 400, {"error": f"clusterArn must look like arn:aws:rds:us-east-1:123456789012:cluster:NAME, got {arn!r}"}
    if url is ...:
        return 400, {"error": "need url: a postgresql:// URL, or null to remove the mapping"}
    if url is not None:
        if not isinstance(url, str):
            return 400, {"error": f"url must be a string or null, got {url!r}"}
        try:
            _validate_url(url)
        except ValueError as error:
            return 400, {"error": str(error)}
    with state.STATE.lock:
        if url is None:
            state.STATE.data_api.pop(_key(arn), None)
        else:
            state.STATE.data_api[_key(arn)] = url
    _drop_connection(_key(arn))
    if url is not None:
        try:
            ensure_master_user(arn, url)
        except (InterfaceError, OSError):
            pass  # not reachable now: set before the first statement that reaches it
        except DatabaseError as error:
            return 502, {"error": f"mapped, but the cluster's master user could not be set in {_redacted(url)}: {error}"}
    return 200, listing()


# --- the master user -----------------------------------------------------------------------


def _cluster_by_arn(arn: str) -> Any:
    match = CLUSTER_ARN_RE.match(arn)
    if not match:
        return None
    region, account = match.group(1), match.group(2)
    try:
        backend = rds_backends[account][region]
    except KeyError:
        return None
    return next((c for c in backend.clusters.values() if _key(c.db_cluster_arn) == _key(arn)), None)


def _master_credentials(arn: str) -> tuple[str, str] | None:
    """The master user of the cluster, or of the global database it is a member of."""
    cluster = _cluster_by_arn(arn)
    if cluster is None:
        return None
    candidates = [cluster]
    match = CLUSTER_ARN_RE.match(arn)
    account = match.group(2) if match else ""
    try:
        global_clusters = list(rds_backends[account]["us-east-1"].global_clusters.values())
    except KeyError:
        global_clusters = []
    for global_cluster in global_clusters:
        if cluster in global_cluster.members:
            candidates += [m for m in global_cluster.members if m is not cluster]
    for candidate in candidates:
        user = getattr(candidate, "master_username", None)
        # moto keeps it behind a property that refuses to read it back (as RDS does).
        password = getattr(candidate, "_master_user_password", None)
        if user and password and not getattr(candidate, "manage_master_user_password", False):
            return user, password
    return None


_masters_set: set[tuple[str, str, str, str]] = set()


def ensure_master_user(arn: str, url: str) -> None:
    """Creates (or re-passwords) the cluster's master user in its mapped PostgreSQL, once
    per mapping and password: at mapping, and again before a statement after a
    ModifyDBCluster gave the cluster a new MasterUserPassword."""
    credentials = _master_credentials(arn)
    if credentials is None:
        return
    user, password = credentials
    marker = (_key(arn), url, user, password)
    with _links_lock:
        if marker in _masters_set:
            return
    _set_master_user(url, user, password)
    with _links_lock:
        stale = any(m[0] == marker[0] and m[1] == url for m in _masters_set)
        _masters_set.difference_update({m for m in _masters_set if m[0] == marker[0]})
        _masters_set.add(marker)
    if stale:
        _drop_connection(_key(arn))  # sessions of the old password end, as a reset password ends them


def _open(url: str, application_name: str) -> pg8000.native.Connection:
    """A connection to the PostgreSQL URL a cluster is mapped to."""
    parts = urlsplit(url)
    return pg8000.native.Connection(
        user=unquote(parts.username or ""),
        password=unquote(parts.password) if parts.password is not None else None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        database=unquote(parts.path.lstrip("/")),
        timeout=CONNECT_TIMEOUT_SECONDS,
        application_name=application_name,
    )


def _set_master_user(url: str, user: str, password: str) -> None:
    conn = _open(url, "dr-emulator-rds-master")
    try:
        if conn.run("SELECT pg_is_in_recovery()")[0][0]:
            # A hot standby (the live sandbox's secondary region): read-only, and the master
            # user is the global database's, so it arrives with the writer's WAL.
            return
        exists = conn.run("SELECT 1 FROM pg_roles WHERE rolname = :user", user=user)
        verb = "ALTER" if exists else "CREATE"
        statement = conn.run(
            f"SELECT format('{verb} ROLE %I WITH LOGIN CREATEROLE CREATEDB PASSWORD %L', :user::text, :password::text)",
            user=user,
            password=password,
        )[0][0]
        conn.run(statement)
        conn.run(conn.run("SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :user::text)", user=user)[0][0])
    finally:
        conn.close()


# --- connections ------------------------------------------------------------------------


class _Link:
    """One cached connection per mapped cluster; its lock serialises the statements."""

    def __init__(self, url: str):
        self.url = url
        self.lock = threading.Lock()
        self.conn: pg8000.native.Connection | None = None

    def connect(self) -> pg8000.native.Connection:
        if self.conn is None:
            try:
                self.conn = _open(self.url, "dr-emulator-rds-data")
            except (InterfaceError, OSError) as error:
                raise DataApiError(
                    "DatabaseUnavailableException",
                    f"The writer instance in the DB cluster isn't available: {error}",
                    504,
                ) from error
            # The connect timeout would also cut long statements; the Data API allows 45 s.
            self.conn._usock.settimeout(STATEMENT_TIMEOUT_SECONDS)  # type: ignore[attr-defined]
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass
            self.conn = None


_links: dict[str, _Link] = {}
_links_lock = threading.Lock()


def _link(key: str, url: str) -> _Link:
    with _links_lock:
        link = _links.get(key)
        if link is None or link.url != url:
            if link is not None:
                link.close()
            link = _links[key] = _Link(url)
        return link


def _drop_connection(key: str) -> None:
    """Closes the cluster's connections (one per database user)."""
    with _links_lock:
        dropped = [_links.pop(k) for k in list(_links) if k.split("#", 1)[0] == key]
    for link in dropped:
        with link.lock:
            link.close()


def reset() -> None:
    """After moto's reset: the clusters are gone, so are their mappings, connections and transactions."""
    with state.STATE.lock:
        state.STATE.data_api.clear()
    with _links_lock:
        links = list(_links.values()) + [t.link for t in _transactions.values()]
        _links.clear()
        _transactions.clear()
        _masters_set.clear()
    for link in links:
        with link.lock:
            link.close()


def _master_user_or_unavailable(arn: str, url: str) -> None:
    try:
        ensure_master_user(arn, url)
    except (InterfaceError, OSError) as error:
        raise DataApiError(
            "DatabaseUnavailableException", f"The writer instance in the DB cluster isn't available: {error}", 504
        ) from error
    except DatabaseError as error:
        raise _database_error(error) from error


# --- transactions -----------------------------------------------------------------------


class _Transaction:
    def __init__(self, cluster_key: str, link: _Link):
        self.cluster_key = cluster_key
        self.link = link


_transactions: dict[str, _Transaction] = {}


def _transaction(arn: str, transaction_id: str) -> _Transaction:
    with _links_lock:
        transaction = _transactions.get(transaction_id)
    if transaction is None or transaction.cluster_key != _key(arn):
        raise DataApiError("TransactionNotFoundException", f"Transaction {transaction_id} is not found", 404)
    return transaction


def begin_transaction(arn: str, url: str, secret_arn: Any) -> dict[str, Any]:
    username, password = _secret_credentials(secret_arn)
    _master_user_or_unavailable(arn, url)
    link = _Link(_as_user(url, username, password))
    try:
        link.connect().run("START TRANSACTION READ ONLY" if is_read_only(arn) else "START TRANSACTION")
    except DatabaseError as error:
        link.close()
        raise _database_error(error) from error
    transaction_id = base64.b64encode(uuid.uuid4().bytes * 3).decode()
    with _links_lock:
        _transactions[transaction_id] = _Transaction(_key(arn), link)
    return {"transactionId": transaction_id}


def end_transaction(arn: str, transaction_id: str, commit: bool) -> dict[str, Any]:
    transaction = _transaction(arn, transaction_id)
    with _links_lock:
        _transactions.pop(transaction_id, None)
    with transaction.link.lock:
        try:
            transaction.link.connect().run("COMMIT" if commit else "ROLLBACK")
        except DatabaseError as error:
            raise _database_error(error) from error
        finally:
            transaction.link.close()
    return {"transactionStatus": "Transaction Committed" if commit else "Rollback Complete"}


# --- global-cluster role ----------------------------------------------------------------


def is_read_only(arn: str) -> bool:
    """True for a global-cluster member that does not take writes now."""
    match = CLUSTER_ARN_RE.match(arn)
    if not match:
        return False
    account = match.group(2)
    try:
        global_clusters = list(rds_backends[account]["us-east-1"].global_clusters.values())
    except KeyError:
        return False
    for global_cluster in global_clusters:
        for member in list(global_cluster.members):
            if _key(member.db_cluster_arn) == _key(arn):
                return not member.is_writer or global_cluster.status != "available"
    return False


# --- parameters -------------------------------------------------------------------------

VARCHAR, INT8, FLOAT8, BOOL, BYTEA, UNTYPED, INT8_ARRAY = 1043, 20, 701, 16, 17, 0, 1016
TYPE_HINTS = {"DATE": 1082, "TIME": 1083, "TIMESTAMP": 1114, "DECIMAL": 1700, "UUID": 2950, "JSON": UNTYPED}


def _parameter(param: dict[str, Any]) -> tuple[str, Any, int]:
    name = param.get("name")
    if not name:
        raise DataApiError("BadRequestException", "Parameter name must be specified")
    value = param.get("value") or {}
    hint = param.get("typeHint")
    if "arrayValue" in value:
        raise DataApiError("BadRequestException", "Array parameters are not supported.")
    if value.get("isNull"):
        return name, None, UNTYPED
    if "stringValue" in value:
        if hint is not None and hint not in TYPE_HINTS:
            raise DataApiError("BadRequestException", f"Invalid type hint {hint!r} for parameter {name}")
        return name, value["stringValue"], TYPE_HINTS[hint] if hint else VARCHAR
    if "longValue" in value:
        return name, int(value["longValue"]), INT8
    if "doubleValue" in value:
        return name, float(value["doubleValue"]), FLOAT8
    if "booleanValue" in value:
        return name, bool(value["booleanValue"]), BOOL
    if "blobValue" in value:
        blob = value["blobValue"]
        return name, base64.b64decode(blob) if isinstance(blob, str) else bytes(blob), BYTEA
    raise DataApiError("BadRequestException", f"Parameter {name} has no value: {sorted(value)}")


# --- results ----------------------------------------------------------------------------

JSON_OIDS = {114, 3802}
NUMERIC_OID = 1700

# PostgreSQL type oid -> (type name, java.sql.Types code, precision) as pgjdbc reports them.
PG_TYPES: dict[int, tuple[str, int, int]] = {
    16: ("bool", -7, 1),
    17: ("bytea", -2, 2147483647),
    18: ("char", 1, 1),
    19: ("name", 12, 2147483647),
    20: ("int8", -5, 19),
    21: ("int2", 5, 5),
    23: ("int4", 4, 10),
    25: ("text", 12, 2147483647),
    26: ("oid", -5, 10),
    114: ("json", 1111, 2147483647),
    700: ("float4", 7, 8),
    701: ("float8", 8, 17),
    790: ("money", 8, 0),
    1042: ("bpchar", 1, 2147483647),
    1043: ("varchar", 12, 2147483647),
    1082: ("date", 91, 13),
    1083: ("time", 92, 15),
    1114: ("timestamp", 93, 29),
    1184: ("timestamptz", 93, 35),
    1186: ("interval", 1111, 49),
    1266: ("timetz", 92, 21),
    1700: ("numeric", 2, 0),
    2950: ("uuid", 1111, 2147483647),
    3802: ("jsonb", 1111, 2147483647),
}
TEXT_OIDS = {18, 19, 25, 1042, 1043}
SIGNED_OIDS = {20, 21, 23, 700, 701, 790, 1700}


def _fraction(microsecond: int) -> str:
    return f".{microsecond:06d}".rstrip("0") if microsecond else ""


def _timestamp(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S") + _fraction(value.microsecond)


def _scalar_text(value: Any) -> str:
    """The Data API's string for a value that has no Field of its own."""
    if isinstance(value, datetime.datetime):
        return _timestamp(value)
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S") + _fraction(value.microsecond)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Options:
    def __init__(self, result_set_options: dict[str, Any] | None):
        options = result_set_options or {}
        self.decimal_as_string = options.get("decimalReturnType", "STRING") != "DOUBLE_OR_LONG"
        self.long_as_string = options.get("longReturnType", "LONG") == "STRING"


def _decimal_number(value: decimal.Decimal) -> int | float:
    exponent = value.as_tuple().exponent
    return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)


def _field(value: Any, oid: int, options: _Options) -> dict[str, Any]:
    if value is None:
        return {"isNull": True}
    if oid in JSON_OIDS:
        return {"stringValue": json.dumps(value)}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"stringValue": str(value)} if options.long_as_string else {"longValue": value}
    if isinstance(value, float):
        return {"doubleValue": value} if math.isfinite(value) else {"stringValue": str(value)}
    if isinstance(value, decimal.Decimal):
        if options.decimal_as_string or not value.is_finite():
            return {"stringValue": str(value)}
        number = _decimal_number(value)
        return {"longValue": number} if isinstance(number, int) else {"doubleValue": number}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"blobValue": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, (list, tuple)):
        return {"arrayValue": _array(list(value), options)}
    return {"stringValue": _scalar_text(value)}


def _array(values: list[Any], options: _Options) -> dict[str, Any]:
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, (list, tuple)):
        return {"arrayValues": [_array(list(v or []), options) for v in values]}
    if isinstance(sample, bool):
        return {"booleanValues": values}
    if isinstance(sample, int) and not options.long_as_string:
        return {"longValues": values}
    if isinstance(sample, float):
        return {"doubleValues": values}
    return {"stringValues": [None if v is None else _scalar_text(v) for v in values]}


def _json_value(value: Any, oid: int, options: _Options) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if oid in JSON_OIDS:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if options.long_as_string else value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value) if options.decimal_as_string or not value.is_finite() else _decimal_number(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, (list, tuple)):
        return [_json_value(v, 0, options) for v in value]
    if isinstance(value, str):
        return value
    return _scalar_text(value)


def _column_metadata(conn: pg8000.native.Connection, columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Nullability, auto-increment and table of the columns that come from a table.
    origins: dict[tuple[int, int], tuple[bool, bool, str, str]] = {}
    pairs = sorted({(c["table_oid"], c["column_attrnum"]) for c in columns if c["table_oid"]})
    if pairs:
        rows = conn.run(
            "SELECT a.attrelid::int8, a.attnum::int8, a.attnotnull,"
            " (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%'),"
            " c.relname::text, n.nspname::text"
            " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            " WHERE (a.attrelid::int8 * 100000 + a.attnum) = ANY(:keys)",
            types={"keys": INT8_ARRAY},
            keys=[t * 100000 + n for t, n in pairs],
        )
        for relid, attnum, notnull, auto, table, schema in rows:
            origins[(relid, attnum)] = (notnull, auto, table, schema)
    unknown = sorted({c["type_oid"] for c in columns if c["type_oid"] not in PG_TYPES})
    names: dict[int, str] = {}
    if unknown:
        rows = conn.run(
            "SELECT oid::int8, typname::text FROM pg_type WHERE oid::int8 = ANY(:oids)",
            types={"oids": INT8_ARRAY},
            oids=unknown,
        )
        names = {oid: name for oid, name in rows}
    metadata = []
    for column in columns:
        oid, modifier = column["type_oid"], column["type_modifier"]
        type_name, jdbc_type, precision = PG_TYPES.get(oid, (names.get(oid, "unknown"), 1111, 2147483647))
        scale = 0
        if type_name.startswith("_"):
            jdbc_type = 2003
        if oid == NUMERIC_OID and modifier >= 4:
            precision, scale = ((modifier - 4) >> 16) & 0xFFFF, (modifier - 4) & 0xFFFF
        elif oid in (1042, 1043) and modifier >= 4:
            precision = modifier - 4
        elif oid in (1083, 1114, 1184, 1266):
            scale = 6 if modifier < 0 else modifier
        notnull, auto, table, schema = origins.get((column["table_oid"], column["column_attrnum"]), (False, False, "", ""))
        metadata.append(
            {
                "name": column["name"],
                "label": column["name"],
                "type": jdbc_type,
                "typeName": ("serial" if oid == 23 else "bigserial" if oid == 20 else type_name) if auto else type_name,
                "precision": precision,
                "scale": scale,
                "nullable": 0 if notnull else 1,
                "isSigned": oid in SIGNED_OIDS,
                "isCurrency": oid == 790,
                "isCaseSensitive": oid in TEXT_OIDS,
                "isAutoIncrement": auto,
                "schemaName": schema,
                "tableName": table,
                "arrayBaseColumnType": 0,
            }
        )
    return metadata


def _database_error(error: DatabaseError) -> DataApiError:
    fields = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    if not fields:
        return DataApiError("BadRequestException", str(error))
    message = f"{fields.get('S', 'ERROR')}: {fields.get('M', '')}"
    for key, label in (("D", "Detail"), ("H", "Hint"), ("P", "Position")):
        if fields.get(key):
            message += f"\n  {label}: {fields[key]}"
    if fields.get("C"):
        message += f"; SQLState: {fields['C']}"
    return DataApiError("BadRequestException", message)


def _connection_lost(error: DatabaseError) -> bool:
    fields = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    return fields.get("S") == "FATAL" or str(fields.get("C", "")).startswith(("57P", "08"))


def _run(conn: pg8000.native.Connection, sql: str, params: dict[str, Any], types: dict[str, int], read_only: bool) -> Any:
    if read_only:
        conn.run("START TRANSACTION READ ONLY")
    try:
        rows = conn.run(sql, types=types, **params) if params else conn.run(sql)
        columns, row_count = conn.columns, conn.row_count
        if read_only or conn._transaction_status != b"I":  # type: ignore[attr-defined]
            conn.run("COMMIT")  # the SQL itself left a transaction open: autocommit it too
        return rows, columns, row_count
    except BaseException:
        if conn._transaction_status != b"I":  # type: ignore[attr-defined]
            try:
                conn.run("ROLLBACK")
            except Exception:  # noqa: BLE001 - the connection is going anyway
                pass
        raise


def execute(arn: str, url: str, request: dict[str, Any]) -> dict[str, Any]:
    """Runs one ExecuteStatement for a mapped cluster and returns the response body."""
    sql = request.get("sql") or ""
    if not sql.strip():
        raise DataApiError("BadRequestException", "SQL statement must be specified")
    params: dict[str, Any] = {}
    types: dict[str, int] = {}
    for param in request.get("parameters") or []:
        name, value, oid = _parameter(param)
        params[name], types[name] = value, oid
    transaction_id = request.get("transactionId")
    if transaction_id:
        transaction = _transaction(arn, transaction_id)
        with transaction.link.lock:
            conn = transaction.link.connect()
            try:
                rows = conn.run(sql, types=types, **params) if params else conn.run(sql)
            except DatabaseError as error:
                raise _database_error(error) from error
            except InterfaceError as error:
                raise DataApiError("BadRequestException", str(error)) from error
            return _response(conn, transaction.link, request, rows, conn.columns, conn.row_count)

    username, password = _secret_credentials(request.get("secretArn"))
    _master_user_or_unavailable(arn, url)
    read_only = is_read_only(arn)

    # One connection per cluster and database user (a new password is a new URL).
    link = _link(f"{_key(arn)}#{username}", _as_user(url, username, password))
    with link.lock:
        for attempt in (1, 2):
            conn = link.connect()
            try:
                rows, columns, row_count = _run(conn, sql, params, types, read_only)
                break
            except DatabaseError as error:
                if not _connection_lost(error):
                    raise _database_error(error) from error
                link.close()  # the server ended the session (restart, terminate): one fresh try
                if attempt == 2:
                    raise _database_error(error) from error
            except InterfaceError as error:
                if "placeholder" in str(error):
                    raise DataApiError("BadRequestException", str(error)) from error
                link.close()  # a dead connection (PostgreSQL restarted): one fresh try
                if attempt == 2:
                    raise DataApiError(
                        "DatabaseUnavailableException",
                        f"The writer instance in the DB cluster isn't available: {error}",
                        504,
                    ) from error
            except (OSError, ValueError, TypeError) as error:
                link.close()
                if attempt == 2 or not isinstance(error, OSError):
                    raise DataApiError("BadRequestException", f"{type(error).__name__}: {error}") from error

        return _response(conn, link, request, rows, columns, row_count)


def _response(
    conn: pg8000.native.Connection, link: _Link, request: dict[str, Any], rows: Any, columns: Any, row_count: int
) -> dict[str, Any]:
    options = _Options(request.get("resultSetOptions"))
    response: dict[str, Any] = {"numberOfRecordsUpdated": 0 if columns is not None else max(row_count, 0)}
    if columns is not None:
        oids = [c["type_oid"] for c in columns]
        if request.get("formatRecordsAs") == "JSON":
            names = [c["name"] for c in columns]
            response["formattedRecords"] = json.dumps(
                [{n: _json_value(v, o, options) for n, v, o in zip(names, row, oids)} for row in rows],
                separators=(",", ":"),
            )
        else:
            response["records"] = [[_field(v, o, options) for v, o in zip(row, oids)] for row in rows]
        if request.get("includeResultMetadata"):
            try:
                response["columnMetadata"] = _column_metadata(conn, columns)
            except (DatabaseError, InterfaceError, OSError) as error:
                link.close()
                raise DataApiError(
                    "InternalServerErrorException", f"could not read the column metadata: {error}", 500
                ) from error
    return response


def _secret_credentials(secret_arn: Any) -> tuple[str, str]:
    """The ``username``/``password`` of the secret, as the Data API reads it for the statement."""
    if not isinstance(secret_arn, str) or not secret_arn:
        raise DataApiError("BadRequestException", "Secret ARN must be specified")
    match = SECRET_ARN_RE.match(secret_arn)
    if not match:
        raise DataApiError("BadRequestException", f"Invalid secret ARN: {secret_arn}")
    region, account = match.group(1), match.group(2)
    try:
        value = secretsmanager_backends[account][region].get_secret_value(
            secret_id=secret_arn, version_id=None, version_stage=None
        )
    except Exception as error:  # noqa: BLE001 - moto's not-found/deleted/no-version errors alike
        raise DataApiError(
            "BadRequestException", f"Error fetching secret {secret_arn} : {getattr(error, 'message', error)}"
        ) from error
    try:
        parsed = json.loads(value.get("SecretString") or "")
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("username"), str) or not isinstance(
        parsed.get("password"), str
    ):
        raise DataApiError(
            "BadRequestException",
            f"Error fetching secret {secret_arn} : the secret must be JSON with string username and password",
        )
    return parsed["username"], parsed["password"]


def _as_user(url: str, username: str, password: str) -> str:
    """The mapped URL's host, port and database with the secret's user and password."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{quote(username, safe='')}:{quote(password, safe='')}@{host}{port}{parts.path}"


def mapped_url(arn: str | None) -> str | None:
    if not arn:
        return None
    with state.STATE.lock:
        return state.STATE.data_api.get(_key(arn))


def install() -> None:
    original_backend = RDSDataServiceBackend.execute_statement

    def execute_statement(self: RDSDataServiceBackend, resource_arn: str, sql: str, **request: Any) -> Any:
        url = mapped_url(resource_arn)
        if url is None:
            return original_backend(self, resource_arn=resource_arn, sql=sql)
        return execute(resource_arn, url, {**request, "sql": sql})

    RDSDataServiceBackend.execute_statement = execute_statement  # type: ignore[method-assign]

    original_response = RDSDataServiceResponse.execute_statement

    def execute_statement_response(self: RDSDataServiceResponse) -> str:
        resource_arn = self._get_param("resourceArn")
        if mapped_url(resource_arn) is None:
            return original_response(self)
        request = {
            key: self._get_param(key)
            for key in (
                "parameters",
                "includeResultMetadata",
                "formatRecordsAs",
                "resultSetOptions",
                "transactionId",
                "database",
                "secretArn",
                "schema",
                "continueAfterTimeout",
            )
        }
        result = self.rdsdata_backend.execute_statement(
            resource_arn=resource_arn, sql=self._get_param("sql"), **request
        )
        return json.dumps(result)

    RDSDataServiceResponse.execute_statement = execute_statement_response  # type: ignore[method-assign]

    # BeginTransaction, CommitTransaction, RollbackTransaction (moto has none of them).
    for path in ("BeginTransaction", "CommitTransaction", "RollbackTransaction"):
        rdsdata_urls.url_paths["{0}/" + path + "$"] = rdsdata_urls.response.dispatch

    def begin_transaction_response(self: RDSDataServiceResponse) -> str:
        resource_arn = self._get_param("resourceArn")
        url = mapped_url(resource_arn)
        if url is None:
            return json.dumps({"transactionId": base64.b64encode(uuid.uuid4().bytes * 3).decode()})
        return json.dumps(begin_transaction(resource_arn, url, self._get_param("secretArn")))

    def end_transaction_response(self: RDSDataServiceResponse, commit: bool) -> str:
        resource_arn = self._get_param("resourceArn")
        if mapped_url(resource_arn) is None:
            return json.dumps({"transactionStatus": "Transaction Committed" if commit else "Rollback Complete"})
        return json.dumps(end_transaction(resource_arn, self._get_param("transactionId") or "", commit))

    RDSDataServiceResponse.begin_transaction = begin_transaction_response  # type: ignore[attr-defined]
    RDSDataServiceResponse.commit_transaction = lambda self: end_transaction_response(self, True)  # type: ignore[attr-defined]
    RDSDataServiceResponse.rollback_transaction = lambda self: end_transaction_response(self, False)  # type: ignore[attr-defined]
