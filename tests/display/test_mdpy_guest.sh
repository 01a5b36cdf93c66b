#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mdpy end to end: QEMU's vfio-pci takes an mdpy-xga device with
# display=on, so QEMU finds the framebuffer through the region plane
# query and shows it as its console.  Before any guest driver runs, a
# screendump shows the colour bars; then the nested guest loads mdpy-fb,
# which must find the mode in the vendor capability, register fb0 and
# take the framebuffer over, and what it draws into /dev/fb0 is what the
# next screendump shows.  Then mdpy-fb must unload cleanly.
# The nested guest boots under TCG in TCG: expect a minute or two.
# runner-timeout: 600
set -u
. "$TOP/tests/guest/lib.sh"
. "$TOP/tests/display/lib.sh"

N=9
echo "1..$N"
types=/sys/class/mdev_bus/mdpy/mdev_supported_types
[ -d "$types/mdpy-xga" ] && [ -e "$TOP/samples/mdpy-fb.ko" ] ||
	disp_skip_all $N "mdpy.ko not loaded or mdpy-fb.ko not built"

dir=$(mktemp -d "$TEST_TMP/mdpy-guest.XXXX")
uuid=$(mdev_create "$types/mdpy-xga")
check "created an mdpy-xga device" test -n "$uuid"

# The guest's module: the guest driver.
disp_initrd "$dir" "$TOP/samples/mdpy-fb.ko"
# fbcon=map:1 keeps the console off fb0, so only our pixels are on it.
disp_l2_start "$dir" "fbcon=map:1 l2check=mdpy" \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid,display=on"

# QMP's screendump, not HMP's: only the former asks the display device
# for an update first, and without a display frontend nothing else does.
screendump() {
	rm -f "$1"
	python3 - "$dir/qmp" "$1" <<'PY' && [ -s "$1" ]
import json, socket, sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.settimeout(60)
sock.connect(sys.argv[1])
stream = sock.makefile("rw")

def command(name, **args):
    stream.write(json.dumps({"execute": name, "arguments": args}) + "\n")
    stream.flush()
    while True:
        msg = json.loads(stream.readline())
        if "error" in msg:
            sys.exit(f"# {name}: {msg['error']}")
        if "return" in msg:
            return msg["return"]

stream.readline()  # greeting
command("qmp_capabilities")
command("screendump", filename=sys.argv[2])
PY
}

# ppm_check FILE bars|fill: the pixels of a P6 screendump.
ppm_check() {
	python3 - "$@" <<'PY'
import sys

path, what = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
magic, size, _maxval, pixels = data.split(b"\n", 3)
w, h = map(int, size.split())
if magic != b"P6" or (w, h) != (1024, 768):
    sys.exit(f"# {magic} {w}x{h}, want a 1024x768 P6")

def rgb(x, y):
    o = 3 * (y * w + x)
    return tuple(pixels[o:o + 3])

# mdpy_defs.h: eight bars, white yellow cyan green magenta red blue black
bars = [(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
        (255, 0, 255), (255, 0, 0), (0, 0, 255), (0, 0, 0)]
if what == "bars":
    want = [((2 * b + 1) * w // 16, y, bars[b]) for b in range(8) for y in (0, h // 2, h - 1)]
else:
    want = [(x, y, (255, 128, 0)) for x, y in ((0, 0), (w // 2, h // 2), (w - 1, h - 1))]
bad = [(x, y, rgb(x, y), c) for x, y, c in want if rgb(x, y) != c]
for x, y, got, c in bad:
    print(f"# pixel {x},{y} is {got}, want {c}")
sys.exit(1 if bad else 0)
PY
}

check "the L2 guest booted" l2_wait "$dir" "L2: booted" 240
diag < "$dir/qemu.out"
check "before the driver, QEMU's console shows the colour bars" \
	eval 'screendump "$dir/before.ppm" && ppm_check "$dir/before.ppm" bars'

l2_wait "$dir" "L2: drawn" 180
check "mdpy-fb registered fb0 with the device's mode" \
	grep -q "fb0 name=mdpy-fb size=1024,768 bpp=32 stride=4096" "$dir/console"
check "the guest drew into fb0" grep -q "L2: drawn" "$dir/console"
check "QEMU's console shows what the guest drew" \
	eval 'screendump "$dir/after.ppm" && ppm_check "$dir/after.ppm" fill'
l2_wait "$dir" "L2: done" 180
grep "^L2:" "$dir/console" | diag
check "mdpy-fb unloads and takes fb0 with it" \
	grep -q "L2: after rmmod: 0 framebuffers" "$dir/console"
disp_finish "$dir" "$uuid"
