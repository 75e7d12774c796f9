"""Writes the benchmark models for src/bench/scan-throughput.sh from a file of random bytes (SIZE / 64 of them,
repeated per tensor: the figures are about reading and hashing, not about the values):
a safetensors file (JSON header + tensor data) and a PyTorch-layout zip (archive/data.pkl + stored tensors),
each of about SIZE bytes. Usage: make_models.py RANDOM_FILE OUT.safetensors OUT.pt SIZE"""
import collections
import json
import pickle
import struct
import sys
import zipfile

random_file, st_path, pt_path, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tensors = 64
per = size // tensors
chunk = 8 << 20


def copy_random(src, write, n):
    src.seek(0)
    while n > 0:
        b = src.read(min(chunk, n))
        write(b)
        n -= len(b)


with open(random_file, "rb") as rnd:
    header = {"__metadata__": {"format": "pt"}}
    for i in range(tensors):
        header[f"layer.{i}.weight"] = {"dtype": "F32", "shape": [per // 4], "data_offsets": [i * per, (i + 1) * per]}
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(st_path, "wb") as out:
        out.write(struct.pack("<Q", len(h)))
        out.write(h)
        for i in range(tensors):
            copy_random(rnd, out.write, per)

    # a state dict pickled with allowlisted globals only; the tensors are stored members, as torch.save writes
    state = pickle.dumps(collections.OrderedDict((f"layer.{i}.weight", i) for i in range(tensors)), protocol=2)
    with zipfile.ZipFile(pt_path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr("archive/data.pkl", state)
        for i in range(tensors):
            with z.open(f"archive/data/{i}", "w", force_zip64=True) as m:
                copy_random(rnd, m.write, per)
        z.writestr("archive/version", "3\n")
