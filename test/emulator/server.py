"""Entry point of the local AWS emulator: moto's server with the DR extension loaded.

TEST INFRASTRUCTURE, never product code. Run with the project's virtualenv:

    .venv/bin/python test/emulator/server.py [HOST] [PORT]      # default 127.0.0.1 5000

Any further arguments are passed to moto's own server (``moto.server.main``), so the
moto flags (``-H``/``-p``/``--ssl``...) work too. See dr_emulator/__init__.py.
"""

import os
import sys


def _moto_argv(argv: list[str]) -> list[str]:
    """Accept `HOST PORT` positionally (the launcher's form) and turn them into flags."""
    positional = [a for a in argv[:2] if not a.startswith("-")]
    rest = argv[len(positional) :]
    out: list[str] = ["-H", positional[0] if positional else "127.0.0.1"]
    if len(positional) >= 2:
        out += ["-p", positional[1]]
    return out + rest


def main() -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    argv = _moto_argv(sys.argv[1:])
    if "-p" in argv:
        # moto's Step Functions tasks call back into this server on MOTO_PORT.
        os.environ["MOTO_PORT"] = argv[argv.index("-p") + 1]
    # AWS managed policies (arn:aws:iam::aws:policy/...) exist in every account; moto has
    # them only when told so, before it is imported (AttachRolePolicy of one was
    # NoSuchEntity). They are built when an account's IAM is first used, not at start-up
    # (dr_emulator/iam.py builds them once, not at every reset).
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

    import dr_emulator
    import moto.server

    dr_emulator.install()
    moto.server.main(argv)


if __name__ == "__main__":
    main()
