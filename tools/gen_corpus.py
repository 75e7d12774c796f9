#!/usr/bin/python3
"""Regenerates the scanner's corpus: small model files written by the real libraries (benign/) and
pickles that run code when pickle.loads reads them (malicious/). Nothing here is ever unpickled: the
malicious files are serialised from __reduce__ methods, which only describe the call.

Needs torch, numpy and h5py (Debian: python3-torch python3-numpy python3-h5py) and runs with the system
interpreter:

    /usr/bin/python3 tools/gen_corpus.py src/test/resources/dev/modelgate/scan/corpus

It rewrites benign/, malicious/ and INDEX.tsv (path, expectation, what the file is). The files are
deterministic apart from torch's zip timestamps, so a re-run changes bytes but not the scan results.
"""
import argparse
import collections
import io
import os
import pickle
import subprocess
import sys
import types
import enum
import dataclasses

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
np.random.seed(0)

ROWS = []


def out(base, rel, data, expect, what):
    path = os.path.join(base, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    ROWS.append((rel, expect, what))


def tsave(obj, protocol, zipfile):
    buf = io.BytesIO()
    torch.save(obj, buf, pickle_protocol=protocol, _use_new_zipfile_serialization=zipfile)
    return buf.getvalue()


def small_mlp():
    return nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))


def benign(base):
    sd = small_mlp().state_dict()
    for proto in (2, 3, 4, 5):
        for zipfile in (True, False):
            layout = "zip" if zipfile else "legacy"
            out(base, f"benign/torch_state_dict_p{proto}_{layout}.pt", tsave(sd, proto, zipfile), "benign",
                f"torch.save(state_dict) protocol {proto}, {layout} layout")
    bn = nn.BatchNorm1d(2).state_dict()  # int64 num_batches_tracked
    out(base, "benign/torch_batchnorm_zip.pt", tsave(bn, 2, True), "benign", "BatchNorm state dict (LongStorage)")
    tensors = {
        "f16": torch.zeros(2, dtype=torch.float16), "bf16": torch.zeros(2, dtype=torch.bfloat16),
        "i8": torch.zeros(2, dtype=torch.int8), "u8": torch.zeros(2, dtype=torch.uint8),
        "b": torch.zeros(2, dtype=torch.bool), "c64": torch.zeros(2, dtype=torch.complex64),
        "f64": torch.zeros((), dtype=torch.float64), "i32": torch.zeros(2, dtype=torch.int32),
        "i16": torch.zeros(2, dtype=torch.int16), "c128": torch.zeros(1, dtype=torch.complex128),
    }
    tensors["view"] = tensors["i32"][1:]
    for proto in (2, 4):
        out(base, f"benign/torch_dtypes_p{proto}_zip.pt", tsave(tensors, proto, True), "benign",
            f"tensors of every common dtype, a 0-d tensor and a view, protocol {proto}")
        out(base, f"benign/torch_dtypes_p{proto}_legacy.pt", tsave(tensors, proto, False), "benign",
            f"tensors of every common dtype, legacy layout, protocol {proto}")
    extras = {
        "param": nn.Parameter(torch.ones(2)),
        "frozen": nn.Parameter(torch.ones(2), requires_grad=False),
        "size": torch.Size([2, 3]),
        "dtype": torch.float16,
        "device": torch.device("cpu"),
        "sparse": torch.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (3,)),
        "sparse_csr": torch.tensor([[0.0, 1.0], [2.0, 0.0]]).to_sparse_csr(),
        "quantized": torch.quantize_per_tensor(torch.ones(2), 0.1, 0, torch.quint8),
        "nested_lists": [[1, 2], (3, 4.5), {"k": None}],
        "bytes": b"\x00\x01", "set": {1, 2}, "frozenset": frozenset({3}), "complex": 1 + 2j,
        "ordered": collections.OrderedDict(a=1),
    }
    for proto in (2, 4):
        out(base, f"benign/torch_extras_p{proto}_zip.pt", tsave(extras, proto, True), "benign",
            f"parameters, Size, dtype, device, sparse COO/CSR, quantized tensor, sets, complex, protocol {proto}")
        out(base, f"benign/torch_extras_p{proto}_legacy.pt", tsave(extras, proto, False), "benign",
            f"parameters, Size, dtype, device, sparse, quantized, legacy layout, protocol {proto}")
    model = small_mlp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sgd = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2)
    for _ in range(2):
        opt.zero_grad()
        sgd.zero_grad()
        model(torch.ones(1, 3)).sum().backward()
        opt.step()
        sgd.step()
        sched.step()
    out(base, "benign/torch_adam_zip.pt", tsave(opt.state_dict(), 2, True), "benign", "Adam optimizer state")
    out(base, "benign/torch_sgd_legacy.pt", tsave(sgd.state_dict(), 2, False), "benign", "SGD momentum state, legacy")
    ckpt = {
        "epoch": 3, "global_step": 12, "pytorch-lightning_version": "2.1.0",
        "state_dict": model.state_dict(),
        "loops": {"fit_loop": {"state_dict": {}, "epoch_progress": {"total": {"ready": 3}}}},
        "callbacks": {"ModelCheckpoint{'monitor': 'val_loss'}": {"best_model_score": torch.tensor(0.5),
                                                                  "best_model_path": "/ckpt/e3.ckpt",
                                                                  "kth_best_model_path": "", "best_k_models": {}}},
        "optimizer_states": [opt.state_dict()],
        "lr_schedulers": [sched.state_dict()],
        "hparams_name": "kwargs",
        "hyper_parameters": {"lr": 1e-3, "hidden": [32, 16], "name": "mlp", "dropout": None, "bn": True},
    }
    out(base, "benign/lightning_style.ckpt", tsave(ckpt, 2, True), "benign",
        "Lightning-style checkpoint: state_dict, optimizer_states, lr_schedulers, callbacks, hyper_parameters")
    np_ckpt = {"state_dict": model.state_dict(), "np_array": np.arange(3, dtype=np.float32),
               "np_scalar": np.float64(0.25), "np_int": np.int64(7), "np_bool": np.bool_(True),
               "np_f32": np.float32(1.5), "np_i32": np.int32(2),
               "rng": np.random.get_state(), "generator": np.random.default_rng(0)}
    for proto in (2, 4):
        out(base, f"benign/torch_with_numpy_p{proto}_zip.pt", tsave(np_ckpt, proto, True), "benign",
            f"checkpoint with numpy arrays, numpy scalars and random generator state, protocol {proto}")
    out(base, "benign/torch_with_numpy_legacy.pt", tsave(np_ckpt, 2, False), "benign",
        "checkpoint with numpy arrays and scalars, legacy layout")
    args = argparse.Namespace(arch="transformer", lr=0.0005, max_tokens=4096, share_all_embeddings=True)
    out(base, "benign/fairseq_style.pt", tsave({"args": args, "model": model.state_dict(),
                                                "extra_state": {"epoch": 1}}, 2, True), "benign",
        "fairseq-style checkpoint: argparse.Namespace args and a state dict")
    # numpy files
    buf = io.BytesIO()
    np.save(buf, np.arange(6, dtype=np.float32).reshape(2, 3))
    out(base, "benign/numpy_float.npy", buf.getvalue(), "benign", "np.save float32 array")
    buf = io.BytesIO()
    np.save(buf, np.float64(3.5))
    out(base, "benign/numpy_scalar.npy", buf.getvalue(), "benign", "np.save of a numpy scalar (0-d)")
    for proto_name, arr in (("object_lists", np.array([[1, 2], "x", None, {"a": 1.5}], dtype=object)),
                            ("object_scalars", np.array([np.float32(1), np.int64(2), 3.0], dtype=object))):
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=True)
        out(base, f"benign/numpy_{proto_name}.npy", buf.getvalue(), "benign",
            "np.save object array (pickle after the header)")
    buf = io.BytesIO()
    np.savez(buf, a=np.ones(3), b=np.array([1, "two"], dtype=object))
    out(base, "benign/numpy_savez_object.npz", buf.getvalue(), "benign", "np.savez with a numeric and an object array")
    buf = io.BytesIO()
    np.savez_compressed(buf, a=np.ones(4), s=np.float64(2.0))
    out(base, "benign/numpy_savez_compressed.npz", buf.getvalue(), "benign", "np.savez_compressed with a scalar")
    for proto in (0, 1, 2, 3, 4, 5):
        obj = {"w": np.ones((2, 2), dtype=np.float32), "s": np.float64(1.0), "i": np.int32(3),
               "dt": np.dtype("int16"), "m": np.ma.masked_array([1, 2], mask=[0, 1]).data}
        out(base, f"benign/numpy_pickle_p{proto}.pkl", pickle.dumps(obj, protocol=proto), "benign",
            f"pickle.dumps of numpy arrays, scalars and a dtype, protocol {proto}")
        out(base, f"benign/plain_dict_p{proto}.pkl",
            pickle.dumps({"a": [1, 2.5, "x", b"y", None, True], "t": (1,), "s": {1}, "c": 1j,
                          "od": collections.OrderedDict(k=1), "dd": dict(collections.Counter("aab"))},
                         protocol=proto), "benign", f"plain containers, protocol {proto}")
    training_args(base)


def stand_in(modname):
    """A module with the real library's name, so pickles name the same globals the library's would."""
    parts = modname.split(".")
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        if name not in sys.modules:
            sys.modules[name] = types.ModuleType(name)
    return sys.modules[modname]


def training_args(base):
    """Hugging Face Trainer writes training_args.bin with torch.save(args): a dataclass holding enums.
    transformers is not installed here, so stand-in modules with the same names produce the same globals."""
    tu = stand_in("transformers.trainer_utils")
    ta = stand_in("transformers.training_args")
    du = stand_in("transformers.debug_utils")
    tpu = stand_in("transformers.trainer_pt_utils")

    def enum_in(mod, name, values):
        e = enum.Enum(name, values, type=str, module=mod.__name__)
        e.__qualname__ = name
        setattr(mod, name, e)
        return e

    Interval = enum_in(tu, "IntervalStrategy", {"NO": "no", "STEPS": "steps", "EPOCH": "epoch"})
    Save = enum_in(tu, "SaveStrategy", {"NO": "no", "STEPS": "steps", "EPOCH": "epoch", "BEST": "best"})
    Hub = enum_in(tu, "HubStrategy", {"END": "end", "EVERY_SAVE": "every_save"})
    Sched = enum_in(tu, "SchedulerType", {"LINEAR": "linear", "COSINE": "cosine"})
    Fsdp = enum_in(tu, "FSDPOption", {"FULL_SHARD": "full_shard"})
    Optim = enum_in(ta, "OptimizerNames", {"ADAMW_TORCH": "adamw_torch"})
    Debug = enum_in(du, "DebugOption", {"UNDERFLOW_OVERFLOW": "underflow_overflow"})

    @dataclasses.dataclass
    class AcceleratorConfig:
        split_batches: bool = False
        dispatch_batches: object = None
        even_batches: bool = True
    AcceleratorConfig.__module__ = tpu.__name__
    AcceleratorConfig.__qualname__ = "AcceleratorConfig"
    tpu.AcceleratorConfig = AcceleratorConfig

    @dataclasses.dataclass
    class TrainingArguments:
        output_dir: str = "out"
        eval_strategy: object = Interval.STEPS
        logging_strategy: object = Interval.STEPS
        save_strategy: object = Save.EPOCH
        hub_strategy: object = Hub.EVERY_SAVE
        lr_scheduler_type: object = Sched.COSINE
        optim: object = Optim.ADAMW_TORCH
        debug: list = dataclasses.field(default_factory=lambda: [Debug.UNDERFLOW_OVERFLOW])
        fsdp: list = dataclasses.field(default_factory=lambda: [Fsdp.FULL_SHARD])
        accelerator_config: object = dataclasses.field(default_factory=AcceleratorConfig)
        learning_rate: float = 5e-5
        report_to: list = dataclasses.field(default_factory=lambda: ["tensorboard"])
    TrainingArguments.__module__ = ta.__name__
    TrainingArguments.__qualname__ = "TrainingArguments"
    ta.TrainingArguments = TrainingArguments
    out(base, "benign/training_args.bin", tsave(TrainingArguments(), 2, True), "benign",
        "Hugging Face training_args.bin layout: TrainingArguments dataclass with its enums (stand-in modules)")


class Call:
    """A pickle that calls fn(*args) on load (serialised only, never loaded here)."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args

    def __call__(self, *args):  # the result of a call may be called in turn; never called here
        raise RuntimeError("not callable")


class Global:
    """Pickles as a bare reference to module.name (the object need not exist here)."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle asks that a reduce callable be callable; it is never called
        raise RuntimeError("not callable")


class Writer(pickle._Pickler):
    """The pure-Python pickler, taught to write a Global as a reference without importing it."""

    def persistent_id(self, obj):
        return None

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, Global):
            if self.proto >= 4:
                self.save(obj.module)
                self.save(obj.name)
                self.write(pickle.STACK_GLOBAL)
            else:
                self.write(pickle.GLOBAL + obj.module.encode() + b"\n" + obj.name.encode() + b"\n")
            return
        return super().save(obj, save_persistent_id)


def dumps(obj, proto):
    buf = io.BytesIO()
    Writer(buf, protocol=proto).dump(obj)
    return buf.getvalue()


def G(m, n):
    return Global(m, n)


def malicious(base):
    cmd = "id > /tmp/modelgate-pwned"
    cases = {
        # a shell command through a standard-library constructor no denylist names
        "shell_imaplib_stream": Call(G("imaplib", "IMAP4_stream"), cmd),
        "shell_uuid_cmd": Call(G("uuid", "_get_command_stdout"), "sh", "-c", cmd),
        "shell_platform_syscmd": Call(G("platform", "_syscmd_file"), "/etc/passwd; " + cmd),
        "shell_subprocess_popen": Call(G("subprocess", "Popen"), ["/bin/sh", "-c", cmd]),
        "shell_posix_system": Call(G("posix", "system"), cmd),
        # exec reached through a dictionary lookup on builtins
        "exec_builtins_dict_get": Call(Call(G("builtins", "dict.get"), G("builtins", "__dict__"), "exec"),
                                       "import os; os.system('id')"),
        "exec_operator_getitem": Call(Call(G("_operator", "getitem"), G("builtins", "__dict__"), "exec"),
                                      "import os"),
        "exec_getattr_builtins": Call(Call(G("builtins", "getattr"), G("builtins", "__builtins__"), "exec"), "1"),
        # files written by a numeric library
        "file_numpy_memmap": Call(G("numpy", "memmap"), "/tmp/modelgate-pwned", "uint8", "w+", 0, (16,)),
        "file_numpy_savetxt": Call(G("numpy", "savetxt"), "/root/.bashrc", ["id"]),
        "file_numpy_save": Call(G("numpy", "save"), "/tmp/x.npy", [1]),
        "file_numpy_tofile": Call(G("numpy.ndarray", "tofile"), Call(G("numpy", "ones"), 3), "/tmp/x.bin"),
        # code through a Python sub-interpreter
        "subinterp_run_string": Call(G("_xxsubinterpreters", "run_string"),
                                     Call(G("_xxsubinterpreters", "create")), "import os; os.system('id')"),
        "subinterp_interpreters": Call(G("_interpreters", "exec"), 1, "import os"),
        "subinterp_code_interact": Call(G("code", "InteractiveInterpreter.runsource"),
                                        Call(G("code", "InteractiveInterpreter")), "import os"),
        "subinterp_runpy": Call(G("runpy", "_run_code"), "import os", {}),
        # a call chain through an allowlisted helper
        "chain_reconstructor": Call(G("copyreg", "_reconstructor"), G("imaplib", "IMAP4_stream"),
                                    G("imaplib", "IMAP4_stream"), cmd),
        "chain_partial": Call(Call(G("functools", "partial"), G("os", "system"), cmd)),
        "chain_attrgetter": Call(Call(G("operator", "attrgetter"), "system"), G("os", "")),
        "chain_methodcaller": Call(Call(G("operator", "methodcaller"), "system", cmd), G("os", "path")),
        "chain_rebuild_from_type": Call(G("torch._tensor", "_rebuild_from_type_v2"), G("imaplib", "IMAP4_stream"),
                                        G("torch", "Tensor"), (cmd,), {}),
        "chain_codecs_encode": Call(G("_codecs", "encode"), "eJwDAAAAAAE=", "zlib_codec"),
        "chain_defaultdict_factory": Call(G("collections", "defaultdict"), G("os", "getcwd")),
    }
    for name, obj in cases.items():
        for proto in (2, 4):
            out(base, f"malicious/{name}_p{proto}.pkl", dumps(obj, proto), "refused", name.replace("_", " "))
    # EXT opcodes import whatever the loading process registered with copyreg.add_extension
    out(base, "malicious/ext1.pkl", b"\x80\x02\x82\x01U\x02idR.", "refused", "EXT1 import through copyreg registry")
    out(base, "malicious/ext2.pkl", b"\x80\x02\x83\x01\x01)R.", "refused", "EXT2 import through copyreg registry")
    out(base, "malicious/ext4.pkl", b"\x80\x02\x84\x01\x00\x01\x00)R.", "refused", "EXT4 import")
    # a torch checkpoint whose data.pkl carries a payload next to real tensors
    sd = small_mlp().state_dict()
    sd["x"] = Call(G("imaplib", "IMAP4_stream"), cmd)
    buf = io.BytesIO()
    torch.save(sd, buf, pickle_module=_WriterModule)
    out(base, "malicious/torch_zip_imaplib.pt", buf.getvalue(), "refused", "torch zip checkpoint with imaplib payload")
    # a whole pickled nn.Module: not on the allowlist (weights_only=True refuses it too)
    buf = io.BytesIO()
    torch.save(small_mlp(), buf)
    out(base, "malicious/torch_full_module.pt", buf.getvalue(), "refused",
        "torch.save(model): torch.nn classes pickled by reference (an exception can accept them)")


class _WriterModule:
    """torch.save(pickle_module=...) hook so the payload's globals are written without importing them."""
    Pickler = Writer
    __name__ = "pickle"

    @staticmethod
    def dump(*a, **k):  # pragma: no cover - not used by torch.save
        raise NotImplementedError


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    base = ap.parse_args().dir
    for sub in ("benign", "malicious"):
        d = os.path.join(base, sub)
        if os.path.isdir(d):
            for f in os.listdir(d):
                os.remove(os.path.join(d, f))
    benign(base)
    malicious(base)
    with open(os.path.join(base, "INDEX.tsv"), "w") as f:
        f.write("path\texpect\twhat\n")
        for rel, expect, what in sorted(ROWS):
            f.write(f"{rel}\t{expect}\t{what}\n")
    total = sum(os.path.getsize(os.path.join(base, r[0])) for r in ROWS)
    print(f"{len(ROWS)} files, {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
