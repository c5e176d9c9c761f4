"""DIS v7 PDUs: byte layout against the standard's tables, frames against closed forms, an
independent decoder (OpenDIS, in its own environment) and the stream of a real run received
on UDP loopback."""

from __future__ import annotations

import json
import math
import os
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pymap3d
import pytest
from typer.testing import CliRunner

from iads.cli import app
from iads.interop import dis
from tests.interop import dis_layout

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"
A_WGS84_M = 6_378_137.0


def _sample_pdus() -> tuple[bytes, bytes, bytes]:
    es = dis.entity_state_pdu(
        (1, 2, 3),
        dis.FORCE_OPPOSING,
        (2, 11, 0, 1),
        1234.5,
        np.array([4.0e6, 5.0e5, 4.9e6]),
        np.array([100.0, -20.0, 3.0]),
        np.array([0.1, -0.2, 0.3]),
        "CM-1",
        dis.APPEARANCE_DESTROYED,
        exercise=9,
    )
    fire = dis.fire_pdu(
        (1, 1, 60001),
        dis.NO_ENTITY,
        (1, 1, 30001),
        (1, 1, 7),
        10.0,
        np.array([4.0e6, 5.0e5, 4.9e6]),
        (2, 1, 0, 1),
        np.array([1.0, 2.0, 3.0]),
        15000.0,
    )
    det = dis.detonation_pdu(
        (1, 1, 60001),
        (1, 1, 4),
        (1, 1, 30001),
        (1, 1, 7),
        20.0,
        np.array([1.0, 2.0, 3.0]),
        np.array([4.0e6, 5.0e5, 4.9e6]),
        (2, 1, 0, 1),
        np.array([5.0, -3.0, 1.0]),
        dis.DETONATION_ENTITY_PROXIMATE,
    )
    return es, fire, det


def test_layout_tables_cover_every_byte_once_at_the_standard_lengths():
    for layout, length in dis_layout.LAYOUTS.values():
        assert dis_layout.covered_bytes(layout) == [1] * length
    assert (dis.ENTITY_STATE_BYTES, dis.FIRE_BYTES, dis.DETONATION_BYTES) == (144, 96, 104)


def test_entity_state_bytes_match_the_standard_layout():
    es, _, _ = _sample_pdus()
    f = dis_layout.decode(es)
    assert es[:4] == bytes([7, 9, 1, 1])  # v7, exercise 9, Entity State, entity information
    assert es[8:12] == bytes([0, 144, 0b110, 0])  # length, status: LVC constructive
    assert (f["entity.site"], f["entity.app"], f["entity.number"]) == (1, 2, 3)
    assert f["force_id"] == 2 and f["n_variable_parameters"] == 0
    assert [f[f"type.{k}"] for k in ("kind", "domain", "country", "category")] == [2, 11, 0, 1]
    assert f["alt_type.kind"] == 0
    assert f["location.x"] == 4.0e6 and f["location.z"] == 4.9e6  # float64
    assert f["velocity.y"] == -20.0
    assert f["psi"] == pytest.approx(0.1, abs=1e-7) and f["phi"] == pytest.approx(0.3, abs=1e-7)
    assert f["appearance"] == 0b11000  # damage bits 3-4 = destroyed
    assert f["dr.algorithm"] == 2 and f["dr.other"] == bytes(15)
    assert f["marking.charset"] == 1 and f["marking.text"] == b"CM-1" + bytes(7)
    # big-endian float64 of 4e6 at byte 48, written out by hand
    assert es[48:56] == bytes.fromhex("414e848000000000")


def test_fire_and_detonation_bytes_match_the_standard_layout():
    _, fire, det = _sample_pdus()
    f = dis_layout.decode(fire)
    assert fire[:4] == bytes([7, 1, 2, 2]) and f["length"] == 96
    assert f["firing.number"] == 60001 and f["target.number"] == 0
    assert f["munition.number"] == 30001 and f["event.number"] == 7
    assert f["munition_type.kind"] == 2 and f["munition_type.domain"] == 1
    assert (f["warhead"], f["fuse"], f["quantity"], f["rate"]) == (1620, 3000, 1, 0)
    assert f["location.y"] == 5.0e5 and f["velocity.z"] == 3.0 and f["range"] == 15000.0
    d = dis_layout.decode(det)
    assert det[:4] == bytes([7, 1, 3, 2]) and d["length"] == 104
    assert d["target.number"] == 4 and d["event.number"] == 7
    assert d["velocity.x"] == 1.0 and d["location.x"] == 4.0e6
    assert (d["entity_location.x"], d["entity_location.y"]) == (5.0, -3.0)
    assert d["result"] == 2 and d["n_variable_parameters"] == 0


def test_timestamp_is_relative_units_of_the_hour():
    assert dis.dis_timestamp(0.0) == 0
    assert dis.dis_timestamp(1800.0) == 2**30 << 1  # half an hour: 2^30 units
    assert dis.dis_timestamp(3600.0 + 900.0) == 2**29 << 1  # past the hour only
    assert dis.dis_timestamp(3599.9999999) <= 2**32 - 2
    assert dis.dis_timestamp(12.0) & 1 == 0  # bit 0: relative


def _dcm(psi: float, theta: float, phi: float) -> np.ndarray:
    """Rows: body axes in ECEF, the standard's Z-Y'-X'' rotation (written independently)."""
    rz = np.array(
        [[math.cos(psi), math.sin(psi), 0], [-math.sin(psi), math.cos(psi), 0], [0, 0, 1]]
    )
    ry = np.array(
        [[math.cos(theta), 0, -math.sin(theta)], [0, 1, 0], [math.sin(theta), 0, math.cos(theta)]]
    )
    rx = np.array(
        [[1, 0, 0], [0, math.cos(phi), math.sin(phi)], [0, -math.sin(phi), math.cos(phi)]]
    )
    return rx @ ry @ rz


def test_euler_angles_closed_forms():
    # at (0, 0) flying east, level: body x = ECEF +Y, y (right) = south = -Z, z (down) = -X
    psi, theta, phi = dis.euler_angles(np.array([0.0]), np.array([0.0]), np.array([[1.0, 0, 0]]))[0]
    assert (psi, theta, phi) == pytest.approx((math.pi / 2, 0.0, -math.pi / 2), abs=1e-12)
    # at (0, 0) flying north: body x = +Z, so theta = -90 deg
    _, theta, _ = dis.euler_angles(np.array([0.0]), np.array([0.0]), np.array([[0, 1.0, 0]]))[0]
    assert theta == pytest.approx(-math.pi / 2, abs=1e-7)


@pytest.mark.parametrize(
    ("lat", "lon", "v"),
    [
        (45.0, 7.0, (150.0, -80.0, 20.0)),
        (-33.9, 151.2, (-250.0, 10.0, -60.0)),
        (70.0, -20.0, (0, 1, 0)),
    ],
)
def test_euler_angles_put_the_body_axis_along_the_velocity(lat, lon, v):
    ang = dis.euler_angles(np.array([lat]), np.array([lon]), np.array([v], float))[0]
    r = _dcm(*ang)
    vx, vy, vz = pymap3d.enu2uvw(v[0], v[1], v[2], lat, lon)
    w = np.array([vx, vy, vz]) / np.linalg.norm([vx, vy, vz])
    assert r[0] == pytest.approx(w, abs=1e-9)  # body x along the velocity
    up = np.array(pymap3d.enu2uvw(0.0, 0.0, 1.0, lat, lon))
    assert r[1] @ up == pytest.approx(0.0, abs=1e-9)  # no roll: wings level
    assert r[2] @ up < 0  # body z points down


def test_ecef_of_the_origin_on_the_equator_is_the_semi_major_axis():
    geo = dis.Geo(0.0, 0.0, 0.0)
    assert geo.ecef(np.zeros((1, 3)))[0] == pytest.approx([A_WGS84_M, 0.0, 0.0], abs=1e-6)
    # 1000 m east of (0, 0, 0) is +Y; 100 m up is +X
    assert geo.ecef(np.array([[1000.0, 0, 100.0]]))[0] == pytest.approx(
        [A_WGS84_M + 100.0, 1000.0, 0.0], abs=1e-6
    )


@pytest.mark.parametrize(
    "text",
    ["nonsense", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:99999", "host.example:3000", ":3000"],
)
def test_bad_addresses_are_refused(text):
    with pytest.raises(ValueError):
        dis.parse_address(text)


def test_localhost_and_ports_parse():
    assert dis.parse_address("localhost:3000") == ("127.0.0.1", 3000)
    assert dis.parse_address("127.0.0.1:65535") == ("127.0.0.1", 65535)


def test_bad_dis_address_is_one_line_exit_2(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "iads.cli", "run", str(SMALL), "--out", str(tmp_path / "o"),
         "--dis", "127.0.0.1:70000"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "--dis" in lines[0]
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "word"),
    [(["--realtime"], "--realtime"), (["--dis", "127.0.0.1"], "--dis"),
     (["--dis", "not-an-ip:3000"], "--dis")],
)  # fmt: skip
def test_dis_option_errors_are_one_line_exit_2(tmp_path, capsys, args, word):
    from iads.cli import main

    with pytest.raises(SystemExit) as info:
        main(["run", str(SMALL), "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert info.value.code == 2 and len(err) == 1
    assert err[0].startswith("error:") and word in err[0]


class _FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s


def test_realtime_paces_simulation_time_to_the_wall_clock():
    from iads.scenario import load_scenario
    from iads.sim.build import build_world

    world = build_world(load_scenario(SMALL), 1)
    fake = _FakeClock()
    stream = dis.DisStream(world, lambda b: None, realtime=True, clock=fake.clock, sleep=fake.sleep)
    stream.step(world, 0.0, 0.1)
    fake.now += 0.25  # the simulation took 0.25 s of wall time to reach t = 1 s
    stream.step(world, 1.0, 0.1)
    fake.now += 3.0  # slower than real time: no wait
    stream.step(world, 2.0, 0.1)
    assert fake.slept == pytest.approx([0.75])
    fast = dis.DisStream(world, lambda b: None, clock=fake.clock, sleep=fake.sleep)
    fast.step(world, 50.0, 0.1)
    assert fake.slept == pytest.approx([0.75])  # default: as fast as the run goes


def test_the_dis_recorder_does_not_change_the_run():
    from iads.scenario import load_scenario
    from iads.sim.run import run_scenario

    sc = load_scenario(SMALL)
    sent: list[bytes] = []

    def attach(world, defense):
        s = dis.DisStream(world, sent.append)
        s.subscribe(defense.bus, len(world.batteries))
        return [s]

    plain = run_scenario(sc, 2)
    streamed = run_scenario(sc, 2, attach=attach)
    assert len(sent) > 100
    assert json.dumps(plain.summary, sort_keys=True, default=str) == json.dumps(
        streamed.summary, sort_keys=True, default=str
    )
    for k, col in plain.events.items():
        nan_ok = np.asarray(col).dtype.kind == "f"
        assert np.array_equal(col, streamed.events[k], equal_nan=nan_ok), k


def _receive_run(tmp_path: Path, extra: list[str]) -> tuple[object, list[bytes]]:
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    rx.bind(("127.0.0.1", 0))
    rx.settimeout(0.1)
    port = rx.getsockname()[1]
    got: list[bytes] = []
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                got.append(rx.recv(4096))
            except TimeoutError:
                pass

    th = threading.Thread(target=loop)
    th.start()
    try:
        res = CliRunner().invoke(
            app,
            ["run", str(SMALL), "--out", str(tmp_path / "run"), "--seed", "1", "--rows", "0",
             "--dis", f"127.0.0.1:{port}", *extra],
        )  # fmt: skip
    finally:
        import time

        time.sleep(0.5)
        stop.set()
        th.join()
        rx.close()
    return res, got


def test_a_run_streams_its_entities_fire_and_detonations_on_loopback(tmp_path):
    import duckdb

    res, got = _receive_run(tmp_path, [])
    assert res.exit_code == 0, res.output
    pdus = [dis_layout.decode(p) for p in got]  # every datagram one whole PDU of its length
    by_type: dict[int, list[dict]] = {1: [], 2: [], 3: []}
    for p in pdus:
        assert p["protocol_version"] == 7 and p["timestamp"] & 1 == 0
        by_type[p["pdu_type"]].append(p)
    with duckdb.connect(str(tmp_path / "run" / "results.duckdb"), read_only=True) as con:
        n_rounds = con.execute("select count(*) from engagements").fetchone()[0]
        n_threats = con.execute("select count(*) from threats").fetchone()[0]
    assert n_rounds > 0
    assert len(by_type[2]) == n_rounds and len(by_type[3]) == n_rounds
    assert f"{len(by_type[1]):,} entity state" in res.output  # none lost on loopback
    # every Fire has the Detonation of the same event and munition
    fires = {(p["event.number"], p["munition.number"]) for p in by_type[2]}
    assert fires == {(p["event.number"], p["munition.number"]) for p in by_type[3]}
    es = by_type[1]
    radius = [math.dist((0, 0, 0), (p["location.x"], p["location.y"], p["location.z"])) for p in es]
    assert 6.35e6 < min(radius) and max(radius) < 6.40e6  # on the earth near 45 deg (WGS-84)
    threats = {p["entity.number"] for p in es if p["entity.number"] < dis.INTERCEPTOR_BASE}
    assert threats <= set(range(1, n_threats + 1)) and threats
    assert {p["force_id"] for p in es if p["entity.number"] in threats} <= {2, 3, 1}
    rounds = {
        p["entity.number"] for p in es if dis.INTERCEPTOR_BASE <= p["entity.number"] < dis.SITE_BASE
    }
    assert rounds <= {n for _, n in fires}
    sites = [p for p in es if p["entity.number"] >= dis.SITE_BASE]
    assert sites and all(p["type.kind"] == 1 and p["type.domain"] in (1, 2) for p in sites)
    assert any(p["appearance"] == dis.APPEARANCE_DESTROYED for p in es)  # a kill was shown


# --- an independent DIS library, in its own environment ----------------------------------

OPENDIS_SCRIPT = r"""
import json, sys
from opendis.PduFactory import createPdu
data = open(sys.argv[1], "rb").read()
out = []
for off, n in ((0, 144), (144, 96), (240, 104)):
    p = createPdu(data[off:off + n])
    d = {"type": p.pduType, "version": p.protocolVersion, "length": p.length,
         "timestamp": p.timestamp, "exercise": p.exerciseID}
    if p.pduType == 1:
        d.update(entity=[p.entityID.siteID, p.entityID.applicationID, p.entityID.entityID],
                 force=p.forceId, kind=p.entityType.entityKind, domain=p.entityType.domain,
                 category=p.entityType.category,
                 loc=[p.entityLocation.x, p.entityLocation.y, p.entityLocation.z],
                 vel=[p.entityLinearVelocity.x, p.entityLinearVelocity.y, p.entityLinearVelocity.z],
                 euler=[p.entityOrientation.psi, p.entityOrientation.theta, p.entityOrientation.phi],
                 appearance=p.entityAppearance, dr=p.deadReckoningParameters.deadReckoningAlgorithm)
    elif p.pduType == 2:
        d.update(munition=p.munitionExpendableID.entityID, event=p.eventID.eventNumber,
                 loc=[p.location.x, p.location.y, p.location.z], warhead=p.descriptor.warhead,
                 fuse=p.descriptor.fuse, range=p.range)
    else:
        d.update(target=p.targetEntityID.entityID, event=p.eventID.eventNumber,
                 loc=[p.location.x, p.location.y, p.location.z],
                 offset=[p.locationInEntityCoordinates.x, p.locationInEntityCoordinates.y,
                         p.locationInEntityCoordinates.z], result=p.detonationResult)
    out.append(d)
print(json.dumps(out))
"""


def _opendis_python() -> Path:
    """A venv with OpenDIS 1.0 (it pins numpy<2, so never the project's), built once."""
    root = Path(os.environ["IADS_CACHE_DIR"]) / "opendis-1.0-venv"
    py = root / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=300)
        subprocess.run(
            [str(py), "-m", "pip", "install", "--quiet", "opendis==1.0"], check=True, timeout=600
        )
    return py


def test_opendis_decodes_the_pdus_identically(tmp_path):
    es, fire, det = _sample_pdus()
    path = tmp_path / "pdus.bin"
    path.write_bytes(es + fire + det)
    proc = subprocess.run(
        [str(_opendis_python()), "-c", OPENDIS_SCRIPT, str(path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    e, f, d = json.loads(proc.stdout)
    ts = struct.unpack(">I", es[4:8])[0]
    assert (e["type"], e["version"], e["length"], e["timestamp"], e["exercise"]) == (
        1,
        7,
        144,
        ts,
        9,
    )
    assert e["entity"] == [1, 2, 3] and e["force"] == 2
    assert (e["kind"], e["domain"], e["category"]) == (2, 11, 1)
    assert e["loc"] == [4.0e6, 5.0e5, 4.9e6] and e["vel"] == [100.0, -20.0, 3.0]
    assert e["euler"] == pytest.approx([0.1, -0.2, 0.3], abs=1e-7)
    assert e["appearance"] == dis.APPEARANCE_DESTROYED and e["dr"] == 2
    assert (f["type"], f["length"], f["munition"], f["event"]) == (2, 96, 30001, 7)
    assert f["loc"] == [4.0e6, 5.0e5, 4.9e6] and (f["warhead"], f["fuse"]) == (1620, 3000)
    assert f["range"] == 15000.0
    assert (d["type"], d["length"], d["target"], d["event"], d["result"]) == (3, 104, 4, 7, 2)
    assert d["offset"] == [5.0, -3.0, 1.0] and d["loc"][0] == 4.0e6


def test_fast_engagement_rounds_fly_the_straight_line_to_their_aim_point():
    from iads.scenario import load_scenario
    from iads.sim.run import simulate

    sent: list[bytes] = []
    streams = []

    def attach(world, defense):
        streams.append(dis.DisStream(world, sent.append))
        return streams

    sim = simulate(load_scenario(SMALL), 1, fidelity="fast", attach=attach)
    store, geo = sim.world.interceptors, streams[0].geo
    tracks: dict[int, list[tuple[float, np.ndarray]]] = {}
    for p in map(dis_layout.decode, sent):
        k = p["entity.number"] - dis.INTERCEPTOR_BASE
        if p["pdu_type"] == 1 and 0 <= k < len(store):
            loc = np.array([p["location.x"], p["location.y"], p["location.z"]])
            tracks.setdefault(k, []).append((p["timestamp"] / 2 / 2**31 * 3600.0, loc))
    assert tracks
    for k, rows in tracks.items():
        start = geo.ecef(sim.world.launchers[int(store.launcher[k])].pos_m)[0]
        end = geo.ecef(store.pip_m[k])[0]
        tof = store.arrive_s[k] - store.launch_time_s[k]
        for t, loc in rows:  # on the line, at the time's fraction of the time of flight
            frac = min(max((t - store.launch_time_s[k]) / tof, 0.0), 1.0)
            assert np.linalg.norm(loc - (start + frac * (end - start))) < 1.0 + 1e-3 * tof
