"""The PyTorch peer of bench_train: the same network (FCNVMB as vmbkit builds it), the same step
(forward, MSE loss in float32, backward, Adam) on the same shapes, timed the same way.

    python3 benchmarks/peer_train.py --batch-size 10 --precision bf16 --layout channels-last

Prints one line: "peer <batch> <precision> <layout> <seconds per step>" (the best of --steps
after one warm-up step). bench_train runs it with Debian's python3-torch when that is present,
with GLIBC_TUNABLES set to keep freed memory as vmbkit's keep_freed_memory() does.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBlock(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(nn.Conv2d(cin, cout, 3, 1, 1), nn.BatchNorm2d(cout), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, 1, 1), nn.BatchNorm2d(cout), nn.ReLU())


class Up(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cout, 2, 2)
        self.conv = ConvBlock(cin, cout)

    def forward(self, skip, deeper):
        up = self.up(deeper)
        rows, cols = up.shape[2] - skip.shape[2], up.shape[3] - skip.shape[3]
        padded = F.pad(skip, (cols // 2, (cols + 1) // 2, rows // 2, (rows + 1) // 2))
        return self.conv(torch.cat([padded, up], 1))


class Fcnvmb(nn.Module):
    def __init__(self, shots, width, nz, nx):
        super().__init__()
        w = width
        self.nz, self.nx = nz, nx
        self.down = nn.ModuleList([ConvBlock(shots, w), ConvBlock(w, 2 * w),
                                   ConvBlock(2 * w, 4 * w), ConvBlock(4 * w, 8 * w)])
        self.centre = ConvBlock(8 * w, 16 * w)
        self.up = nn.ModuleList([Up(16 * w, 8 * w), Up(8 * w, 4 * w), Up(4 * w, 2 * w),
                                 Up(2 * w, w)])
        self.final = nn.Conv2d(w, 1, 1)

    def forward(self, x):
        skips = []
        for block in self.down:
            x = F.max_pool2d(block(x), 2, 2, ceil_mode=True)
            skips.append(x)
        x = self.centre(x)
        for up, skip in zip(self.up, reversed(skips)):
            x = up(skip, x)
        return self.final(x[:, :, 1:1 + self.nz, 1:1 + self.nx])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch-size", type=int, default=1)
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    p.add_argument("--layout", choices=["nchw", "channels-last"], default="nchw")
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--width", type=int, default=64)
    a = p.parse_args()
    # Debian's PyTorch starts with one thread on some machines: use every core, as vmbkit does.
    torch.set_num_threads(a.threads if a.threads > 0 else len(__import__("os").sched_getaffinity(0)))
    torch.set_flush_denormal(True)
    torch.manual_seed(1)
    net = Fcnvmb(29, a.width, 201, 301)
    x = torch.randn(a.batch_size, 29, 400, 301)
    y = torch.randn(a.batch_size, 1, 201, 301)
    if a.layout == "channels-last":
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    adam = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step():
        adam.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            out = net(x)
        F.mse_loss(out.float(), y).backward()
        adam.step()

    step()
    best = float("inf")
    for _ in range(a.steps):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    print(f"peer {a.batch_size} {a.precision} {a.layout} {best:.4f}", flush=True)


if __name__ == "__main__":
    main()
