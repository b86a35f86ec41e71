# The kernel benchmarks' workload in SimPy, for bench/kernel-ceiling.mjs --simpy DIR: P processes, each
# waiting E uniform-random timeouts. DIR is a SimPy source folder (SimPy is not part of dtsim).
# Usage: python3 bench/simpy-workload.py DIR P E
import importlib.metadata
import random
import sys
import time

sys.path.insert(0, sys.argv[1])
try:
    import simpy
except Exception:  # a source checkout has no package metadata for simpy to read its version from
    importlib.metadata.version = lambda name: '4.1.2'
    import simpy

P, E = int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(1)


def proc(env):
    for _ in range(E):
        yield env.timeout(rnd.random())


env = simpy.Environment()
for _ in range(P):
    env.process(proc(env))
t = time.perf_counter()
env.run()
dt = time.perf_counter() - t
print(f"simpy processes={P} events={P * E} seconds={dt:.3f} events_per_s={P * E / dt:.0f}")
