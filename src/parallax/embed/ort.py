"""all-MiniLM-L6-v2 through ONNX Runtime on the CPU (``PARALLAX_DEVICE=onnx``): the same model as ``minilm``, no torch.

The ONNX graph is built here, by Parallax's own code, from the packaged ``model.safetensors``: the standard BERT
encoder as in ``minilm`` (6 layers, 12 heads, exact-erf GELU, post-LayerNorm; the attention block is ONNX Runtime's
fused ``com.microsoft.Attention``), then mean pooling over real tokens; the vectors are L2-normalised after the run.
Nothing is downloaded. The built graph is cached under ``Settings.cache_dir`` (``~/.cache/parallax`` by default),
keyed by the weights it came from and by ``RECIPE``, written atomically; where the cache cannot be written it is built
in memory per process.

``int8`` (the ``onnx`` device): ``onnxruntime.quantization.quantize_dynamic`` with per-channel int8 weights in every
MatMul and Attention; activations are quantised per run of the graph, over the whole batch. Measured on the 2-core
development machine (AVX512-VNNI), sentences per CPU-second against the NumPy pass: 1.4-1.5x on the seeds' sentences
(one thread each), 2.2x on 1,000 sentences of the benchmark corpus (two threads);
cosine to the float32 vectors >= 0.99 (mean 0.993). Because a batch shares one activation scale, a sentence's vector
moves with the other sentences of its batch (cosine >= 0.988 between alone and batched): runs over different batches
are not bit-for-bit comparable, which is why it is not the default. On the quality gate's subsets (claims,
clustering) every figure is the same as with NumPy but MSRP paraphrase precision 0.824 -> 0.822 and recall 0.573 ->
0.565. ``fp32`` (``onnx-fp32``) keeps float32 weights: cosine 0.99999 to sentence-transformers, no faster than NumPy on
the machine measured.

``onnx`` (to build the graph) and ``onnxruntime`` (to run it) come with the ``onnx`` extra and are imported on first
use only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..extras import require
from ..resources import encoder_dir
from .base import DIMENSIONS, Advance, Matrix, load_tokenizer, padded_batches

__all__ = ["BATCH_TOKENS", "PRECISIONS", "RECIPE", "OrtEncoder", "build_graph", "graph_path", "load_ort"]

BATCH_TOKENS = 8192  # padded tokens per run of the graph (measured: 2k-16k within a few per cent on 2 cores)
RECIPE = "minilm-onnx-v4"  # bump when the graph changes: the cache key includes it
PRECISIONS = ("int8", "fp32")
OPSET = 20  # the first with the Gelu operator

logger = logging.getLogger(__name__)


def graph_path(precision: str, encoder_folder: Path | None = None, cache: Path | None = None) -> Path:
    """The cache file of the graph of ``precision`` built from the MiniLM files in ``encoder_folder`` (else the
    installed ones), under ``cache`` (else ``~/.cache/parallax``)."""
    source = encoder_dir(encoder_folder) / "model.safetensors"
    stat = source.stat()
    key = hashlib.sha256(f"{RECIPE}|{source.resolve()}|{stat.st_size}|{int(stat.st_mtime)}".encode()).hexdigest()
    root = cache if cache is not None else Path.home() / ".cache" / "parallax"
    return root / f"{RECIPE}-{precision}-{key[:16]}.onnx"


def build_graph(folder: Path) -> Any:
    """The float32 ONNX model (``onnx.ModelProto``) of the MiniLM files in ``folder``: inputs ``input_ids`` (int64,
    batch x length) and ``attention_mask`` (float32, same shape); output ``pooled`` (batch x 384), the mean of the
    last hidden states over real tokens, not yet normalised."""
    from onnx import TensorProto, helper
    from safetensors.numpy import load_file

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    graph = _Graph(load_file(str(folder / "model.safetensors")), float(config.get("layer_norm_eps", 1e-12)))
    # embeddings: word + position (0..length-1) + token type 0, then LayerNorm
    graph.node("Shape", ["input_ids"], "ids_shape")
    graph.node("Slice", ["ids_shape", graph.ints("one", [1]), graph.ints("two", [2])], "len")
    word = graph.node("Gather", [graph.weight("embeddings.word_embeddings.weight"), "input_ids"], "emb_word")
    positions = graph.node(
        "Slice", [graph.weight("embeddings.position_embeddings.weight"), graph.ints("zero", [0]), "len"], "emb_pos"
    )
    token_type = graph.const("token_type", graph.w("embeddings.token_type_embeddings.weight")[0])
    x = graph.node("Add", [graph.node("Add", [word, positions], "emb_sum"), token_type], "emb_all")
    x = graph.norm(x, "embeddings.LayerNorm", "h0")
    # the attention mask as Attention reads it: 1 for a real token, 0 for padding (batch x length, int32)
    graph.node("Cast", ["attention_mask"], "mask_index", to=TensorProto.INT32)
    for i in range(int(config["num_hidden_layers"])):
        x = _layer(graph, x, f"encoder.layer.{i}.", int(config["num_attention_heads"]))
    # mean pooling over real tokens
    mask3 = graph.node("Unsqueeze", ["attention_mask", graph.ints("axis2", [2])], "mask3")
    masked = graph.node("Mul", [x, mask3], "masked")
    summed = graph.node("ReduceSum", [masked, graph.ints("axis1", [1])], "summed", keepdims=0)
    count = graph.node("ReduceSum", ["attention_mask", "axis1"], "count0", keepdims=1)
    count = graph.node("Max", [count, graph.const("onef", np.array(1.0, dtype=np.float32))], "count")
    graph.node("Div", [summed, count], "pooled")
    width = int(graph.weights["embeddings.word_embeddings.weight"].shape[1])
    model = helper.make_model(
        helper.make_graph(
            graph.nodes,
            "minilm",
            [
                helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
                helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "length"]),
            ],
            [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", width])],
            initializer=graph.inits,
        ),
        opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)],
        producer_name="parallax",
    )
    model.ir_version = 9
    return model


class _Graph:
    """The nodes and initialisers of the graph being built, with the few shapes of node MiniLM needs."""

    def __init__(self, weights: dict[str, Any], eps: float) -> None:
        self.weights = weights
        self.eps = eps
        self.inits: list[Any] = []
        self.nodes: list[Any] = []

    def const(self, name: str, value: Any) -> str:
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def ints(self, name: str, values: list[int]) -> str:
        return self.const(name, np.array(values, dtype=np.int64))

    def w(self, name: str) -> Matrix:
        return np.ascontiguousarray(self.weights[name], dtype=np.float32)

    def weight(self, name: str) -> str:
        return self.const(name, self.w(name))

    def node(self, op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, [output], **attrs))
        return output

    def norm(self, x: str, prefix: str, out: str) -> str:
        gamma, beta = self.weight(prefix + ".weight"), self.weight(prefix + ".bias")
        return self.node("LayerNormalization", [x, gamma, beta], out, axis=-1, epsilon=self.eps)

    def dense(self, x: str, prefix: str, out: str) -> str:
        weight = self.const(prefix + ".weight", self.w(prefix + ".weight").T.copy())
        return self.node("Add", [self.node("MatMul", [x, weight], out + ".mm"), self.weight(prefix + ".bias")], out)


def _layer(graph: _Graph, x: str, p: str, heads: int) -> str:
    """One encoder layer (prefix ``p``) on hidden states ``x``: attention, then the feed-forward block."""
    names = ("query", "key", "value")
    qkv_w = np.concatenate([graph.w(p + f"attention.self.{n}.weight") for n in names], axis=0).T.copy()
    qkv_b = np.concatenate([graph.w(p + f"attention.self.{n}.bias") for n in names])
    # one fused operator (com.microsoft Attention, ONNX Runtime's CPU kernel): projections, scores, softmax, context
    context = graph.node(
        "Attention",
        [x, graph.const(p + "qkv_w", qkv_w), graph.const(p + "qkv_b", qkv_b), "mask_index"],
        p + "ctx",
        domain="com.microsoft",
        num_heads=heads,
    )
    attended = graph.node("Add", [graph.dense(context, p + "attention.output.dense", p + "att"), x], p + "att_res")
    x = graph.norm(attended, p + "attention.output.LayerNorm", p + "h_att")
    hidden = graph.node("Gelu", [graph.dense(x, p + "intermediate.dense", p + "up")], p + "gelu")
    out = graph.node("Add", [graph.dense(hidden, p + "output.dense", p + "down"), x], p + "out_res")
    return graph.norm(out, p + "output.LayerNorm", p + "h")


def _build_file(path: Path, folder: Path, precision: str) -> bytes:
    """The serialised graph of ``precision``: built (and quantised for int8), then cached at ``path`` atomically
    (an unwritable cache is not an error: the bytes are returned all the same)."""
    model: bytes = build_graph(folder).SerializeToString()
    if precision == "int8":
        model = _quantise(model)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".onnx-", suffix=".onnx")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(model)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        logger.info("the ONNX graph could not be cached at %s (%s): built in memory", path.parent, exc)
    return model


def _quantise(model: bytes) -> bytes:
    """``model`` with int8 weights in every MatMul (dynamic quantisation: activations quantised per run)."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(prefix="parallax-onnx-") as scratch, _quiet_root():
        source, target = Path(scratch) / "fp32.onnx", Path(scratch) / "int8.onnx"
        source.write_bytes(model)
        quantize_dynamic(
            source,
            target,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention"],
            per_channel=True,
            extra_options={"DefaultTensorType": TensorProto.FLOAT},  # the fused Attention's output is float32
        )
        quantised: bytes = target.read_bytes()
        return quantised


class _PreProcessAdvice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Please consider to run pre-processing")


@contextmanager
def _quiet_root() -> Iterator[None]:
    """The quantiser logs advice that does not apply here (shape pre-processing, for graphs exported without shapes)
    on the root logger, which a script without logging set up prints: dropped while it runs."""
    advice = _PreProcessAdvice()
    root = logging.getLogger()
    root.addFilter(advice)
    try:
        yield
    finally:
        root.removeFilter(advice)


class OrtEncoder:
    """all-MiniLM-L6-v2 through ONNX Runtime, an ``Encoder``: ``encode(texts)`` gives unit-length float32 vectors,
    one row per text, in input order."""

    counts_batches = True  # encode() takes ``advance`` (base.encode_counted)

    def __init__(self, model: bytes, tokenizer: Any, threads: int | None = None) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads or 0  # 0: one per physical core
        options.inter_op_num_threads = 1
        # no busy-waiting between operators: on a shared or loaded machine spinning threads take the cores from
        # the work (measured: slower, not faster, with other processes running)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only: ORT's warnings go to stderr, not to our log
        self.session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self.tokenizer = tokenizer

    def encode(self, texts: Sequence[str], advance: Advance | None = None) -> Matrix:
        """Unit-length embeddings, shape ``(len(texts), 384)``, float32, in input order; ``advance(n)`` is called
        after each batch of ``n`` texts."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        for chunk, ids, mask in padded_batches(encodings, BATCH_TOKENS):
            (pooled,) = self.session.run(["pooled"], {"input_ids": ids, "attention_mask": mask.astype(np.float32)})
            out[chunk] = pooled
            if advance is not None:
                advance(len(chunk))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: Matrix = out / np.maximum(norms, 1e-12)
        return result


_LOADING = threading.Lock()
_loaded: dict[tuple[str, Path | None, Path | None], OrtEncoder] = {}


def load_ort(precision: str = "int8", *, folder: Path | None = None, cache: Path | None = None) -> OrtEncoder:
    """The shared ONNX Runtime encoder of ``precision`` ("int8" or "fp32"), its graph read from the cache or built
    once (about 1-3 s) and cached; safe to call from several threads. ``folder``: another copy of the MiniLM files;
    ``cache``: the cache folder. Raises ``ModelError`` when onnx or onnxruntime is not installed."""
    if precision not in PRECISIONS:
        raise ModelError(f"unknown ONNX precision {precision!r}", hint="use int8 or fp32")
    with _LOADING:
        key = (precision, folder, cache)
        if key not in _loaded:
            _loaded[key] = _load(precision, folder, cache)
        return _loaded[key]


def _load(precision: str, folder: Path | None, cache: Path | None) -> OrtEncoder:
    require("onnx", "MiniLM on ONNX Runtime (device onnx)", "onnxruntime", "onnx", error=ModelError)
    path = graph_path(precision, folder, cache)
    model: bytes | None = None
    if path.is_file():
        try:
            model = path.read_bytes()
        except OSError:
            model = None
    tokenizer = load_tokenizer(folder)
    if model is not None:
        try:
            return OrtEncoder(model, tokenizer)
        except Exception as exc:  # a damaged cache file: built again below
            logger.info("the cached ONNX graph %s could not be loaded (%s): building it again", path, exc)
    return OrtEncoder(_build_file(path, encoder_dir(folder), precision), tokenizer)
