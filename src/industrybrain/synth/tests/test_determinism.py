import pyarrow as pa

from industrybrain.synth import generate_city


def ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def test_same_seed_gives_the_same_bytes():
    a, b = generate_city(3000, seed=11), generate_city(3000, seed=11)
    for name in ("enterprises", "figures", "designations"):
        assert ipc_bytes(getattr(a, name)) == ipc_bytes(getattr(b, name))


def test_a_different_seed_gives_a_different_city():
    a, b = generate_city(3000, seed=11), generate_city(3000, seed=12)
    assert not a.enterprises.equals(b.enterprises)
    assert not a.figures.equals(b.figures)
