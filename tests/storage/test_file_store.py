"""FileStore guarantees that need files and processes: permissions, hashed names, torn writes
under SIGKILL, compare-and-set and locks across processes and threads, a killed lock holder, disk
full and read-only directories, damaged files, expiry sweeps."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
import os
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from authflow.protocol.errors import ValidationError
from authflow.storage import (
    CorruptRecordError,
    FileStore,
    StoreError,
    StoreLockTimeoutError,
    _files,
    file,
)

from .conftest import WallClock, private_dir
from .processes import child, kill, wait_line


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def test_directory_and_file_modes_and_hashed_names(tmp_path: Path) -> None:
    directory = tmp_path / "new" / "sessions"
    store = FileStore(directory)
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    key = "authflow:pool:client:session:../../etc/passwd\x00"
    await store.set(key, {"refresh_token": "secret-value"})
    path = directory / f"{digest(key)}.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(p.name for p in directory.iterdir()) == [path.name]  # no temp or lock file left
    envelope = json.loads(path.read_bytes())
    assert envelope == {"v": 1, "key": key, "expires_at": None,
                        "record": {"refresh_token": "secret-value"}}
    async with store.lock(key):
        assert (directory / f"{digest(key)}.lock").exists()
    assert not (directory / f"{digest(key)}.lock").exists()  # unlinked by its holder on release
    assert "FileStore(" in repr(store) and "secret" not in repr(store)


def test_directory_must_be_private_and_a_directory(tmp_path: Path) -> None:
    open_dir = tmp_path / "open"
    open_dir.mkdir()
    open_dir.chmod(0o755)
    with pytest.raises(ValidationError, match="chmod 700"):
        FileStore(open_dir)
    a_file = tmp_path / "file"
    a_file.write_text("x")
    a_file.chmod(0o600)
    with pytest.raises((ValidationError, StoreError)):
        FileStore(a_file)
    with pytest.raises(ValidationError):
        FileStore(42)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        FileStore("bad\x00path")


async def test_closed_store_refuses_calls(tmp_path: Path) -> None:
    store = FileStore(private_dir(tmp_path))
    await store.set("k", {"a": 1})
    await store.close()
    with pytest.raises(StoreError, match="closed"):
        await store.get("k")
    with pytest.raises(StoreError, match="closed"):
        await store.sweep()
    assert await FileStore(store.directory).get("k") == {"a": 1}  # files stay


WRITER = """
    import asyncio, hashlib, sys
    from authflow.storage import FileStore

    async def main():
        store = FileStore(sys.argv[1] if len(sys.argv) > 1 else {directory!r})
        n = 0
        while True:
            n += 1
            blob = chr(ord("a") + n % 26) * {size}
            await store.set("big", {{"n": n, "blob": blob,
                                     "sum": hashlib.sha256(blob.encode()).hexdigest()}})
            if n == 2:
                print("writing", flush=True)

    asyncio.run(main())
"""


async def test_sigkill_mid_write_never_leaves_a_torn_record(tmp_path: Path) -> None:
    """A child rewrites a 2 MB record in a loop; we read it while it writes, SIGKILL the child
    at varying moments and read again: always a complete record, old or new."""
    directory = private_dir(tmp_path)
    store = FileStore(directory)
    seen = set()

    async def check() -> None:
        record = await store.get("big")
        assert record is not None
        assert len(record["blob"]) == 2_000_000
        assert hashlib.sha256(record["blob"].encode()).hexdigest() == record["sum"]
        seen.add(record["n"])

    for reads in (0, 1, 3, 7, 12, 20):
        proc = child(WRITER.format(directory=str(directory), size=2_000_000))
        try:
            wait_line(proc, "writing")
            for _ in range(reads):
                await check()
        finally:
            kill(proc)
        await check()
    assert all(n >= 2 for n in seen)
    leftovers = [p for p in directory.iterdir() if p.name.startswith(".tmp-")]
    for p in leftovers:  # a killed writer's temp file: the sweep removes it once it is stale
        os.utime(p, (time.time() - 7200, time.time() - 7200))
    assert await store.sweep() >= len(leftovers)
    assert not [p for p in directory.iterdir() if p.name.startswith(".tmp-")]
    assert (await store.get("big")) is not None


COUNTER = """
    import asyncio, sys
    from authflow.storage import FileStore

    async def main():
        store = FileStore({directory!r})
        for _ in range({rounds}):
            while True:
                cur = await store.get("counter")
                if await store.compare_and_set("counter", cur, {{"n": cur["n"] + 1}}):
                    break
        async with store.lock("L"):
            locked = await store.get("locked")
            await store.set("locked", {{"n": locked["n"] + 1}})
        print("done", flush=True)

    asyncio.run(main())
"""


async def test_compare_and_set_and_lock_across_processes(tmp_path: Path) -> None:
    directory = private_dir(tmp_path)
    store = FileStore(directory)
    await store.set("counter", {"n": 0})
    await store.set("locked", {"n": 0})
    procs = [child(COUNTER.format(directory=str(directory), rounds=25)) for _ in range(4)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.strip() == "done", err[-2000:]
    assert await store.get("counter") == {"n": 100}
    assert await store.get("locked") == {"n": 4}  # read-modify-write under lock(): none lost


def test_compare_and_set_from_threads_with_their_own_loops(tmp_path: Path) -> None:
    store = FileStore(private_dir(tmp_path))
    asyncio.run(store.set("counter", {"n": 0}))
    errors: list[BaseException] = []

    async def bump(times: int) -> None:
        for _ in range(times):
            async with store.lock("L"):  # flock separates the threads' loops
                cur = await store.get("counter")
                assert cur is not None
                assert await store.compare_and_set("counter", cur, {"n": cur["n"] + 1})

    def run() -> None:
        try:
            asyncio.run(bump(15))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert asyncio.run(store.get("counter")) == {"n": 60}


HOLDER = """
    import asyncio
    from authflow.storage import FileStore

    async def main():
        store = FileStore({directory!r})
        async with store.lock("L"):
            print("held", flush=True)
            await asyncio.sleep(3600)

    asyncio.run(main())
"""


async def test_lock_excludes_other_processes_and_dies_with_its_holder(tmp_path: Path) -> None:
    directory = private_dir(tmp_path)
    store = FileStore(directory)
    proc = child(HOLDER.format(directory=str(directory)))
    try:
        wait_line(proc, "held")
        with pytest.raises(StoreLockTimeoutError):
            async with store.lock("L", timeout=0.2):
                pass
        waiter = asyncio.ensure_future(_enter(store, "L", wait=60))
        await asyncio.sleep(0.1)
        assert not waiter.done()
    finally:
        kill(proc)  # SIGKILL: no clean-up code runs in the holder
    assert await waiter == "entered"
    assert await store.sweep() == 0  # the dead holder's lock file went with the next holder


async def _enter(store: FileStore, key: str, wait: float) -> str:
    async with store.lock(key, timeout=wait):
        return "entered"


async def test_sweep_removes_a_dead_holders_lock_file(tmp_path: Path) -> None:
    directory = private_dir(tmp_path)
    proc = child(HOLDER.format(directory=str(directory)))
    try:
        wait_line(proc, "held")
    finally:
        kill(proc)
    lock_file = directory / f"{digest('L')}.lock"
    assert lock_file.exists()
    assert await FileStore(directory).sweep() == 1
    assert not lock_file.exists()


async def test_waiters_in_one_process_make_one_flock_attempt_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileStore(private_dir(tmp_path))
    in_flight = [0]
    peak = [0]
    real = file.try_lock_file
    guard = threading.Lock()

    def counting(path: Path) -> int | None:
        with guard:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            time.sleep(0.001)
            return real(path)
        finally:
            with guard:
                in_flight[0] -= 1

    monkeypatch.setattr(file, "try_lock_file", counting)
    entered = []

    async def caller(i: int) -> None:
        async with store.lock("L", timeout=120):
            entered.append(i)

    await asyncio.gather(*(caller(i) for i in range(250)))
    assert sorted(entered) == list(range(250))
    assert peak[0] == 1


@pytest.mark.parametrize("call", ["write", "fsync"])
async def test_disk_full_is_a_store_error_and_keeps_the_previous_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    directory = private_dir(tmp_path)
    store = FileStore(directory)
    await store.set("k", {"v": "old"})

    def full(*args: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(_files.os, call, full)
        with pytest.raises(StoreError, match="ENOSPC") as info:
            await store.set("k", {"v": "new-secret-token"})
        with pytest.raises(StoreError):
            await store.compare_and_set("k", {"v": "old"}, {"v": "new"})
    assert "new-secret-token" not in str(info.value)
    assert info.value.key == "k"
    assert await store.get("k") == {"v": "old"}
    assert sorted(p.name for p in directory.iterdir()) == [f"{digest('k')}.json"]


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory the test process cannot write to. chmod does not stop root, so as root the
    directory is made immutable (chattr +i), which binds root too."""
    directory = private_dir(tmp_path)
    asyncio.run(FileStore(directory).set("k", {"v": "old"}))
    chattr = shutil.which("chattr")
    if os.geteuid() != 0:
        directory.chmod(0o500)
        yield directory, "chmod"
        directory.chmod(0o700)
        return
    assert chattr is not None, "running as root needs chattr to make a read-only directory"
    subprocess.run([chattr, "+i", str(directory)], check=True)
    try:
        yield directory, "chattr"
    finally:
        subprocess.run([chattr, "-i", str(directory)], check=True)


async def test_read_only_directory_is_a_store_error_and_reads_still_work(
    read_only_dir: tuple[Path, str]
) -> None:
    directory, how = read_only_dir
    with pytest.raises(OSError):  # the directory really refuses writes
        (directory / "probe").write_text("x")
    store = FileStore(directory)
    for attempt in (
        store.set("k", {"v": "new"}),
        store.set("fresh", {"v": 1}),
        store.delete("k"),
        store.compare_and_set("k", {"v": "old"}, {"v": "new"}),
    ):
        with pytest.raises(StoreError):
            await attempt
    with pytest.raises(StoreError):
        async with store.lock("L", timeout=1):
            pass
    assert await store.get("k") == {"v": "old"}, how


async def test_damaged_files_are_corrupt_records_of_their_key_only(tmp_path: Path) -> None:
    directory = private_dir(tmp_path)
    store = FileStore(directory)
    secret = "refresh-token-do-not-print"
    keys = ["trunc", "garbage", "version", "moved", "schema", "nan", "expiry", "notdict"]
    for key in [*keys, "good"]:
        await store.set(key, {"token": secret, "n": 1})

    def path(key: str) -> Path:
        return directory / f"{digest(key)}.json"

    path("trunc").write_bytes(path("trunc").read_bytes()[:-7])
    path("garbage").write_bytes(b"\xff\xfe" + secret.encode())
    env = json.loads(path("version").read_bytes())
    path("version").write_text(json.dumps(dict(env, v=2)))
    path("moved").write_bytes(path("good").read_bytes())  # a record copied to another key's name
    path("schema").write_text(json.dumps({"key": "schema", "record": {}}))
    path("nan").write_text(json.dumps(dict(json.loads(path("nan").read_bytes()),
                                           record={"x": float("nan")})))
    path("expiry").write_text(json.dumps(dict(json.loads(path("expiry").read_bytes()),
                                              expires_at="soon")))
    path("notdict").write_text(json.dumps(dict(json.loads(path("notdict").read_bytes()),
                                               record=[1])))
    for key in keys:
        with pytest.raises(CorruptRecordError) as info:
            await store.get(key)
        assert info.value.key == key
        assert key in str(info.value) and secret not in str(info.value)
        with pytest.raises(CorruptRecordError):
            await store.compare_and_set(key, {"token": secret, "n": 1}, None)
    assert await store.get("good") == {"token": secret, "n": 1}
    await store.set("trunc", {"n": 2})  # a plain set replaces a damaged file
    assert await store.get("trunc") == {"n": 2}
    await store.delete("garbage")
    assert await store.get("garbage") is None
    assert await store.sweep() == 0  # damaged files are left for their readers


async def test_expired_files_go_on_read_and_by_sweep(tmp_path: Path, wall: WallClock) -> None:
    directory = private_dir(tmp_path)
    store = FileStore(directory, clock=wall, sweep_interval=None)
    await store.set("read-me", {"x": 1}, ttl=5)
    await store.set("never-read", {"x": 2}, ttl=5)
    await store.set("kept", {"x": 3}, ttl=500)
    assert len(list(directory.iterdir())) == 3
    wall.now += 6
    assert await store.get("read-me") is None
    assert not (directory / f"{digest('read-me')}.json").exists()
    assert (directory / f"{digest('never-read')}.json").exists()
    assert await store.sweep() == 1
    assert [p.name for p in directory.iterdir()] == [f"{digest('kept')}.json"]


async def test_opportunistic_sweep_runs_in_the_background(tmp_path: Path, wall: WallClock) -> None:
    directory = private_dir(tmp_path)
    store = FileStore(directory, clock=wall, sweep_interval=60)
    await store.set("old", {"x": 1}, ttl=5)
    wall.now += 61
    await store.set("new", {"x": 2})  # this call starts the sweep
    await store.close()  # waits for it
    assert [p.name for p in directory.iterdir()] == [f"{digest('new')}.json"]
