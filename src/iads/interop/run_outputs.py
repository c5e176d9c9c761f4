"""What ``iads run --dis`` / ``--realtime`` / ``--asterix-out`` add to a run, kept out of the
command module: options checked before any work, the DIS recorder attached to the run, the
CAT062 file written from the run's track table afterwards. Neither feeds the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iads.errors import InputError


class RunInterop:
    """The interop outputs of one run; ``check`` first, then ``attach`` to ``run_scenario``,
    then ``finish(result, origin)``; ``close`` always."""

    def __init__(self, dis: str | None, realtime: bool, asterix_out: Path | None) -> None:
        self.dis, self.realtime, self.asterix_out = dis, realtime, asterix_out
        self.sock: Any = None
        self.stream: Any = None

    @property
    def active(self) -> bool:
        return self.dis is not None or self.asterix_out is not None

    def check(self) -> None:
        """One-line InputErrors for unusable options; opens the DIS socket."""
        if self.realtime and self.dis is None:
            raise InputError("--realtime paces the DIS stream: give --dis too", field="--realtime")
        if self.asterix_out is not None:
            from iads.interop.asterix import check_out_path

            check_out_path(self.asterix_out, "--asterix-out")
        if self.dis is not None:
            from iads.interop.dis import open_sender, parse_address

            try:
                address = parse_address(self.dis)
                self.sock = open_sender(address)
            except ValueError as exc:
                raise InputError(str(exc), field="--dis") from None
            except OSError as exc:
                raise InputError(
                    f"cannot send to {self.dis}: {exc.strerror}", field="--dis"
                ) from None

    def attach(self, world: Any, defense: Any) -> list[Any]:
        """The DIS recorder for ``run_scenario(attach=...)`` (none without ``--dis``)."""
        if self.sock is None:
            return []
        from iads.interop.dis import DisStream

        sock = self.sock

        def send(pdu: bytes) -> None:
            try:
                sock.send(pdu)
            except OSError:  # nobody listening (ICMP port unreachable): UDP carries on
                pass

        try:
            self.stream = DisStream(world, send, realtime=self.realtime)
        except ValueError as exc:
            raise InputError(str(exc), field="--dis") from None
        if defense is not None:
            self.stream.subscribe(defense.bus, len(world.batteries))
        return [self.stream]

    def finish(self, result: Any, origin: Any) -> str | None:
        """Write the CAT062 file; a one-line summary of what was sent and written."""
        parts = []
        if self.stream is not None:
            n = self.stream.pdus_sent
            parts.append(
                f"DIS to {self.dis}: {n[1]:,} entity state, {n[2]:,} fire, {n[3]:,} detonation PDUs"
            )
        if self.asterix_out is not None:
            import numpy as np

            from iads.interop.asterix import write_cat062

            tracks = result.tables.get("tracks")
            cols = dict(tracks) if tracks is not None else {}
            if not cols:
                names = ("time_s", "battery", "track_id", "x_m", "y_m", "z_m")
                cols = {k: np.empty(0) for k in (*names, "vx_mps", "vy_mps", "vz_mps")}
            n = write_cat062(self.asterix_out, cols, origin)
            parts.append(f"CAT062: {n:,} track records: {self.asterix_out}")
        return "; ".join(parts) or None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


__all__ = ["RunInterop"]
