"""Encrypted backups of the database and the uploaded files, restore, and the restore drill.

A backup file (``*.jbk``) is a tar archive, encrypted in 1 MiB chunks with AES-256-GCM under
``JINDU_BACKUP_KEY`` (base64 of 32 bytes, from the environment; kept apart from the server):

    magic "JINDUBK1" | key id (8) | nonce prefix (8) | chunks: length (4) | ciphertext+tag

Chunk ``i`` has nonce ``prefix || i`` and the associated data ``i || final?``, so chunks cannot
be reordered, dropped or the file truncated without the decryption failing. The archive holds
``manifest.json`` (creation time, database vendor, applied migrations, row count of every
table, the audit chain head, file count), the database snapshot and ``files/`` (MEDIA_ROOT).

The snapshot is consistent: SQLite through the online backup API (or, inside an open
transaction, the connection's own dump), PostgreSQL through ``pg_dump --snapshot`` of a
repeatable-read transaction in which the manifest's row counts are taken too.

Plain text exists only in a private temporary folder (mode 0700) during the run, removed after.
"""

import base64
import binascii
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections

MAGIC = b"JINDUBK1"
CHUNK = 1024 * 1024
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


# --- Encryption ----------------------------------------------------------------------------------


def backup_key():
    value = os.environ.get("JINDU_BACKUP_KEY", "").strip()
    if not value:
        raise ImproperlyConfigured("set JINDU_BACKUP_KEY (base64 of 32 random bytes: "
                                   "python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())')")
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured("JINDU_BACKUP_KEY is not base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured("JINDU_BACKUP_KEY must be 32 bytes (base64 of 32 random bytes)")
    return key


def key_id(key):
    return hashlib.sha256(b"jindu-backup-key" + key).digest()[:8]


def _aad(index, final):
    return b"jindu-backup" + struct.pack(">QB", index, 1 if final else 0)


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what is written to ``out`` in authenticated chunks."""

    def __init__(self, out, key):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.out, self.aead = out, AESGCM(key)
        self.prefix = os.urandom(8)
        self.buffer = bytearray()
        self.index = 0
        self.out.write(MAGIC + key_id(key) + self.prefix)

    def writable(self):
        return True

    def write(self, data):
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), final=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, chunk, final):
        nonce = self.prefix + struct.pack(">I", self.index)
        sealed = self.aead.encrypt(nonce, chunk, _aad(self.index, final))
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.index += 1

    def close(self):
        if not self.closed:
            self._emit(bytes(self.buffer), final=True)
            self.buffer.clear()
        super().close()


def decrypt_stream(source, out, key):
    """Decrypt a backup file (``source``, binary) into ``out``; raises BackupError when anything is off."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = source.read(len(MAGIC) + 16)
    if len(header) < len(MAGIC) + 16 or header[:len(MAGIC)] != MAGIC:
        raise BackupError("not a Jindu backup file")
    if header[len(MAGIC):len(MAGIC) + 8] != key_id(key):
        raise BackupError("this backup was made with another JINDU_BACKUP_KEY")
    prefix = header[len(MAGIC) + 8:]
    aead = AESGCM(key)
    index = 0
    pending = None
    while True:
        size_bytes = source.read(4)
        if not size_bytes:
            break
        if len(size_bytes) != 4:
            raise BackupError("the backup file is truncated")
        (size,) = struct.unpack(">I", size_bytes)
        sealed = source.read(size)
        if len(sealed) != size:
            raise BackupError("the backup file is truncated")
        if pending is not None:
            out.write(_open(aead, prefix, index - 1, pending, final=False))
        pending = sealed
        index += 1
    if pending is None:
        raise BackupError("the backup file is empty")
    try:
        out.write(_open(aead, prefix, index - 1, pending, final=True))
    except InvalidTag:
        raise BackupError("the backup file is truncated or was altered") from None


def _open(aead, prefix, index, sealed, final):
    from cryptography.exceptions import InvalidTag

    try:
        return aead.decrypt(prefix + struct.pack(">I", index), sealed, _aad(index, final))
    except InvalidTag:
        raise BackupError(f"chunk {index} of the backup does not decrypt: altered, reordered or wrong key") from None


# --- Snapshots -----------------------------------------------------------------------------------


def vendor():
    return connection.vendor


@contextmanager
def private_tempdir():
    path = Path(tempfile.mkdtemp(prefix="jindu-backup-"))
    path.chmod(0o700)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _sqlite_tables(db):
    rows = db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in rows]


def _sqlite_counts(path):
    db = sqlite3.connect(path)
    try:
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in _sqlite_tables(db)}
    finally:
        db.close()


def _sqlite_snapshot(target):
    """A consistent copy of the SQLite database in ``target``."""
    connection.ensure_connection()
    source = connection.connection
    destination = sqlite3.connect(target)
    try:
        if connection.in_atomic_block:
            # Inside a transaction (a test, a caller's atomic block) the online backup would wait for
            # our own lock: copy through the connection's dump, which sees what the transaction sees.
            # The copy's CHECK constraints use the functions Django registers on its connections.
            from django.db.backends.sqlite3._functions import register as register_functions

            register_functions(destination)
            destination.executescript("\n".join(source.iterdump()))
        else:
            source.backup(destination)  # the online backup API, in one step: a consistent copy
    finally:
        destination.close()
    return _sqlite_counts(target)


def _pg_settings(alias="default"):
    db = connections[alias].settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return db, env, args


def _pg_connect(dbname=None, autocommit=False):
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(dbname=dbname or db["NAME"], user=db.get("USER") or None,
                           password=db.get("PASSWORD") or None, host=db.get("HOST") or None,
                           port=db.get("PORT") or None, autocommit=autocommit)


def _pg_table_names(cursor):
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _pg_counts(cursor):
    counts = {}
    for table in _pg_table_names(cursor):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_snapshot(target):
    """``pg_dump -Fc`` of an exported repeatable-read snapshot; the row counts, applied migrations and
    audit chain head are read in that same snapshot."""
    db, env, args = _pg_settings()
    with _pg_connect() as conn:
        with conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_counts(cursor)
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            migrations = [list(row) for row in cursor.fetchall()]
            cursor.execute("SELECT seq, hash FROM core_auditchainhead WHERE id = 1")
            row = cursor.fetchone()
            result = subprocess.run(
                ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 "--file", str(target), db["NAME"]], env=env, capture_output=True, text=True)
            cursor.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError("pg_dump failed: " + result.stderr.strip()[-500:])
    return counts, migrations, ({"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": "0" * 64})


def _sqlite_extras(path):
    """Applied migrations and the audit chain head, read from the snapshot itself."""
    db = sqlite3.connect(path)
    try:
        migrations = sorted(list(row) for row in db.execute("SELECT app, name FROM django_migrations"))
        row = db.execute("SELECT seq, hash FROM core_auditchainhead WHERE id = 1").fetchone()
    finally:
        db.close()
    return migrations, ({"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": "0" * 64})


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Backup --------------------------------------------------------------------------------------


def create_backup(output=None, include_files=True):
    """Write an encrypted backup; returns (path, manifest)."""
    key = backup_key()
    vendor_name = vendor()
    if vendor_name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor_name}")
    created = datetime.now(UTC)
    if output is None:
        settings.JINDU_BACKUP_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
        output = settings.JINDU_BACKUP_DIR / "jindu-{}.jbk".format(created.strftime("%Y%m%d-%H%M%S"))
    output = Path(output)
    with private_tempdir() as work:
        db_name = "database.sqlite3" if vendor_name == "sqlite" else "database.pgdump"
        db_path = work / db_name
        started = time.monotonic()
        if vendor_name == "sqlite":
            counts = _sqlite_snapshot(db_path)
            migrations, audit_head = _sqlite_extras(db_path)
        else:
            counts, migrations, audit_head = _pg_snapshot(db_path)
        media = Path(settings.MEDIA_ROOT)
        files = [p for p in media.rglob("*") if p.is_file()] if include_files and media.exists() else []
        manifest = {
            "format": FORMAT_VERSION, "created": created.isoformat(), "vendor": vendor_name,
            "database_file": db_name, "database_sha256": sha256_file(db_path), "row_counts": counts,
            "migrations": migrations, "audit_head": audit_head, "files": len(files),
            "snapshot_seconds": round(time.monotonic() - started, 3),
        }
        partial = output.with_name(output.name + ".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw:
            writer = EncryptingWriter(raw, key)
            with tarfile.open(fileobj=writer, mode="w|gz") as archive:
                data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime = len(data), int(created.timestamp())
                archive.addfile(info, io.BytesIO(data))
                archive.add(db_path, arcname=db_name)
                for path in files:
                    archive.add(path, arcname="files/" + path.relative_to(media).as_posix())
            writer.close()
        os.replace(partial, output)
    return output, manifest


def _safe_members(archive, destination):
    root = destination.resolve()
    for member in archive:
        target = (destination / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not str(target).startswith(str(root) + os.sep):
            raise BackupError(f"unsafe path in the backup: {member.name}")
        yield member


def unpack(backup_file, destination):
    """Decrypt and unpack ``backup_file`` into ``destination``; returns the manifest (database checked)."""
    key = backup_key()
    plain = destination / "archive.tar.gz"
    fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(backup_file, "rb") as source, os.fdopen(fd, "wb") as out:
        decrypt_stream(source, out, key)
    with tarfile.open(plain, mode="r:gz") as archive:
        archive.extractall(destination, members=_safe_members(archive, destination), filter="data")
    plain.unlink()
    manifest = json.loads((destination / "manifest.json").read_text("utf-8"))
    if sha256_file(destination / manifest["database_file"]) != manifest["database_sha256"]:
        raise BackupError("the database snapshot does not match the manifest")
    return manifest


def latest_backup():
    folder = Path(settings.JINDU_BACKUP_DIR)
    candidates = sorted(folder.glob("*.jbk"), key=lambda p: p.stat().st_mtime) if folder.exists() else []
    return candidates[-1] if candidates else None


# --- Restore -------------------------------------------------------------------------------------


def restore_database(manifest, work, alias="default"):
    """Load the snapshot into database ``alias`` (its current content is replaced)."""
    target = connections[alias]
    snapshot = work / manifest["database_file"]
    if manifest["vendor"] != target.vendor:
        raise BackupError(f"this backup is of a {manifest['vendor']} database, the target is {target.vendor}")
    if target.vendor == "sqlite":
        target.close()
        source = sqlite3.connect(snapshot)
        destination = sqlite3.connect(target.settings_dict["NAME"])
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
        return
    target.close()
    db, env, args = _pg_settings(alias)
    result = subprocess.run(
        ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--dbname", db["NAME"], str(snapshot)], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError("pg_restore failed: " + result.stderr.strip()[-800:])


def restore_files(work):
    source = work / "files"
    if not source.exists():
        return 0
    media = Path(settings.MEDIA_ROOT)
    count = 0
    for path in source.rglob("*"):
        if path.is_file():
            target = media / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count


# --- Restore drill --------------------------------------------------------------------------------


@contextmanager
def scratch_database(manifest, work):
    """A database alias ``restore_drill`` holding the snapshot; dropped afterwards."""
    alias = "restore_drill"
    base = dict(connections["default"].settings_dict)
    if manifest["vendor"] == "sqlite":
        name = str(work / "drill.sqlite3")
        shutil.copyfile(work / manifest["database_file"], name)
        base.update({"NAME": name, "TEST": {**base.get("TEST", {}), "NAME": name}})
        created_db = None
    else:
        created_db = f"jindu_drill_{int(time.time())}_{os.getpid()}"
        with _pg_connect(dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created_db}"')
        base.update({"NAME": created_db})
    # Registered on the handler only (not in settings.DATABASES): a connection of this run alone.
    from django.db.utils import load_backend

    setattr(connections._connections, alias, load_backend(base["ENGINE"]).DatabaseWrapper(base, alias))
    try:
        if created_db:
            _, env, args = _pg_settings(alias)
            result = subprocess.run(
                ["pg_restore", *args, "--no-owner", "--no-privileges", "--single-transaction", "--dbname", created_db,
                 str(work / manifest["database_file"])], env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError("pg_restore failed: " + result.stderr.strip()[-800:])
        yield alias
    finally:
        wrapper = getattr(connections._connections, alias, None)
        if wrapper is not None:
            wrapper.close()
            delattr(connections._connections, alias)
        if created_db:
            with _pg_connect(dbname="postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{created_db}" WITH (FORCE)')


def table_counts(alias):
    with connections[alias].cursor() as cursor:
        tables = connections[alias].introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connections[alias].ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def drill(backup_file):
    """Restore ``backup_file`` into a scratch database and check it. Returns a dict of the findings."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    from . import audit

    started = time.monotonic()
    problems = []
    result = {"problems": problems, "rows_checked": 0, "audit_rows": 0, "migrations_applied": 0, "manifest": {}}
    with private_tempdir() as work:
        try:
            manifest = unpack(backup_file, work)
        except (BackupError, OSError, tarfile.TarError, ValueError, KeyError) as error:
            problems.append(f"unpack: {error}")
            result["seconds"] = time.monotonic() - started
            return result
        result["manifest"] = manifest
        try:
            with scratch_database(manifest, work) as alias:
                counts = table_counts(alias)
                for table, expected in sorted(manifest["row_counts"].items()):
                    found = counts.get(table)
                    if found != expected:
                        problems.append(f"table {table}: {found} rows restored, {expected} in the backup")
                    result["rows_checked"] += found or 0
                executor = MigrationExecutor(connections[alias])
                plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
                if plan:
                    call_command("migrate", database=alias, interactive=False, verbosity=0)
                    result["migrations_applied"] = len(plan)
                    executor = MigrationExecutor(connections[alias])
                    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                        problems.append("migrations: the restored database does not reach the current schema")
                ok, checked, broken, reason = audit.verify(using=alias)
                result["audit_rows"] = checked
                if not ok:
                    problems.append(f"audit chain broken at seq {broken}: {reason}")
                head = manifest.get("audit_head") or {}
                if head and head.get("seq") != checked:
                    problems.append(f"audit chain: {checked} rows restored, the backup's head says {head.get('seq')}")
        except Exception as error:  # a drill reports every failure instead of stopping at it
            problems.append(f"restore: {type(error).__name__}: {error}")
    result["seconds"] = time.monotonic() - started
    return result
