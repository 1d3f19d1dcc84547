#!/usr/bin/env python3
"""PyTorch reference for `distillery bench`: the same BiLSTM and TextCNN as Distillery's students,
the same config, timed the same way (samples per second after warm-up). Prints one JSON object.
Installs nothing; the bench skips it when torch is missing.
Usage: pytorch_reference.py '{"vocab":5000,"embed":128,"hidden":128,"layers":1,"seq_len":48,"batch":32,"classes":2,"filters":[2,3,4,5],"num_filters":128,"infer_batch":256,"threads":2,"seconds":8}'
"""
import json
import sys
import time

import torch
import torch.nn as nn


class BiLSTM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.emb = nn.Embedding(c["vocab"], c["embed"], padding_idx=0)
        self.rnn = nn.LSTM(c["embed"], c["hidden"], num_layers=c["layers"], bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * c["hidden"], c["classes"])

    def forward(self, ids):
        _, (h, _) = self.rnn(self.emb(ids))
        # Last layer: forward state after the last token, backward state after the first (digest A).
        return self.out(torch.cat([h[-2], h[-1]], dim=1))


class TextCNN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.emb = nn.Embedding(c["vocab"], c["embed"], padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(c["embed"], c["num_filters"], k) for k in c["filters"])
        self.out = nn.Linear(c["num_filters"] * len(c["filters"]), c["classes"])

    def forward(self, ids):
        x = self.emb(ids).transpose(1, 2)
        return self.out(torch.cat([torch.relu(conv(x)).max(dim=2).values for conv in self.convs], dim=1))


# CPU-ms per sample of the last timed() (all threads): on a loaded machine wall time is mostly noise.
last_cpu_ms_per_sample = None


def timed(step, batch, seconds):
    global last_cpu_ms_per_sample
    for _ in range(3):
        step()
    n, t0, cpu0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        step()
        n += batch
    last_cpu_ms_per_sample = (time.process_time() - cpu0) * 1000 / n
    return n / (time.perf_counter() - t0)


def train_rate(model, c):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ids = torch.randint(2, c["vocab"], (c["batch"], c["seq_len"]))
    y = torch.randint(0, c["classes"], (c["batch"],))
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    def step():
        opt.zero_grad()
        loss_fn(model(ids), y).backward()
        opt.step()

    return timed(step, c["batch"], c["seconds"])


def infer_rate(model, c):
    ids = torch.randint(2, c["vocab"], (c["infer_batch"], c["seq_len"]))
    model.eval()

    def step():
        with torch.no_grad():
            torch.softmax(model(ids), dim=1)

    return timed(step, c["infer_batch"], c["seconds"])


def main():
    c = json.loads(sys.argv[1])
    torch.manual_seed(0)
    torch.set_num_threads(c["threads"])
    bilstm = BiLSTM(c)
    textcnn = TextCNN(c)
    # "parts" (optional): measure only these, e.g. ["bilstm_train"] for A/B runs (bench/bilstm-speed.bench.ts).
    parts = c.get("parts", ["bilstm_train", "textcnn_train", "bilstm_infer"])
    out = {"torch_version": torch.__version__, "threads": torch.get_num_threads()}
    if "bilstm_train" in parts:
        out["bilstm_train_samples_per_s"] = train_rate(bilstm, c)
        out["bilstm_train_cpu_ms_per_sample"] = last_cpu_ms_per_sample
    if "textcnn_train" in parts:
        out["textcnn_train_samples_per_s"] = train_rate(textcnn, c)
        out["textcnn_train_cpu_ms_per_sample"] = last_cpu_ms_per_sample
    if "bilstm_infer" in parts:
        out["bilstm_infer_samples_per_s"] = infer_rate(bilstm, c)
        out["bilstm_infer_cpu_ms_per_sample"] = last_cpu_ms_per_sample
    print(json.dumps(out))


if __name__ == "__main__":
    main()
