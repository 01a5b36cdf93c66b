// SPDX-License-Identifier: GPL-2.0-only
/*
 * The render engine: fetches a vGPU's commands from its ring (and from
 * batch buffers the ring starts) and executes them.
 *
 * Where a real GVT-g scans and shadows a guest's command buffers before a
 * physical engine runs them, the stub's "engine" is this interpreter; the
 * checks are the same in spirit: every command is decoded and validated,
 * every address goes through the vGPU's GTT and the VFIO container.  A bad
 * command stops the vGPU's ring with an error interrupt; other vGPUs go on.
 */
#include <linux/pci_regs.h>
#include <asm/unaligned.h>

#include "gvt.h"

static u32 gvt_ring_bytes(struct gvt_vgpu *vgpu)
{
	return GVT_RING_CTL_NPAGES(gvt_reg(vgpu, GVT_REG_RING_CTL)) * GVT_GM_PAGE_SIZE;
}

/**
 * gvt_engine_reset - forget where the engine was
 * @vgpu: the vGPU, its lock held
 */
void gvt_engine_reset(struct gvt_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	memset(&vgpu->engine, 0, sizeof(vgpu->engine));
}

/**
 * gvt_engine_has_work - whether the engine could run commands of @vgpu
 * @vgpu: the vGPU, its lock held
 *
 * The ring must be enabled and not stopped, the function must be a bus
 * master (as a real device needs to be to fetch commands), and there must
 * be commands between HEAD and TAIL or a batch buffer in progress.
 *
 * Return: true if so.
 */
bool gvt_engine_has_work(struct gvt_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	if (!(gvt_reg(vgpu, GVT_REG_RING_CTL) & GVT_RING_CTL_ENABLE) ||
	    vgpu->engine.stopped || vgpu->engine.starved ||
	    !(vgpu->cfg[PCI_COMMAND] & PCI_COMMAND_MASTER))
		return false;
	return vgpu->engine.in_batch ||
	       gvt_reg(vgpu, GVT_REG_RING_HEAD) != gvt_reg(vgpu, GVT_REG_RING_TAIL);
}

static void gvt_engine_error(struct gvt_vgpu *vgpu, u32 code, u32 addr)
{
	lockdep_assert_held(&vgpu->lock);
	dev_dbg(&vgpu->mdev->dev, "ring stopped: error %u at GM %#x\n", code, addr);
	vgpu->engine.stopped = true;
	gvt_reg_set(vgpu, GVT_REG_ERR_CODE, code);
	gvt_reg_set(vgpu, GVT_REG_ERR_ADDR, addr);
	gvt_irq_raise(vgpu, GVT_IRQ_ERROR);
}

/* A memory access error as a GVT_ERR_* code. */
static u32 gvt_engine_fault(int err)
{
	return err == -EFAULT ? GVT_ERR_GTT_FAULT : GVT_ERR_DMA_FAULT;
}

/*
 * Check a rectangle of 32-bit pixels: sizes, alignment, and that it ends
 * within the vGPU's GM.  Return: GVT_ERR_NONE or GVT_ERR_BAD_ARGS.
 */
static u32 gvt_rect_check(struct gvt_vgpu *vgpu, u32 addr, u32 stride, u32 w, u32 h)
{
	if (!w || !h || w > GVT_RECT_MAX || h > GVT_RECT_MAX || addr & 3 ||
	    stride & 3 || stride < w * 4)
		return GVT_ERR_BAD_ARGS;
	if ((u64)addr + (u64)(h - 1) * stride + w * 4 > gvt_gm_size(vgpu))
		return GVT_ERR_BAD_ARGS;
	return GVT_ERR_NONE;
}

static u32 gvt_cmd_store_dword(struct gvt_vgpu *vgpu, const u32 *op)
{
	__le32 val = cpu_to_le32(op[1]);
	int ret;

	if (op[0] & 3 || (u64)op[0] + 4 > gvt_gm_size(vgpu))
		return GVT_ERR_BAD_ARGS;
	ret = gvt_gm_access(vgpu, op[0], &val, sizeof(val), true);
	return ret ? gvt_engine_fault(ret) : GVT_ERR_NONE;
}

static u32 gvt_cmd_fill_rect(struct gvt_vgpu *vgpu, const u32 *op)
{
	u32 dst = op[0], stride = op[1], w = op[2] & 0xffff, h = op[2] >> 16;
	u32 err, x, y;
	int ret;

	err = gvt_rect_check(vgpu, dst, stride, w, h);
	if (err)
		return err;
	for (x = 0; x < w; x++)
		put_unaligned_le32(op[3], vgpu->scratch + 4 * x);
	for (y = 0; y < h; y++) {
		ret = gvt_gm_access(vgpu, dst + y * stride, vgpu->scratch, w * 4, true);
		if (ret)
			return gvt_engine_fault(ret);
	}
	return GVT_ERR_NONE;
}

static u32 gvt_cmd_copy_rect(struct gvt_vgpu *vgpu, const u32 *op)
{
	u32 src = op[0], sstride = op[1], dst = op[2], dstride = op[3];
	u32 w = op[4] & 0xffff, h = op[4] >> 16;
	bool backwards = dst > src;	/* overlapping rows copy bottom-up */
	u32 err, i;
	int ret;

	err = gvt_rect_check(vgpu, src, sstride, w, h);
	if (!err)
		err = gvt_rect_check(vgpu, dst, dstride, w, h);
	if (err)
		return err;
	for (i = 0; i < h; i++) {
		u32 y = backwards ? h - 1 - i : i;

		ret = gvt_gm_access(vgpu, src + y * sstride, vgpu->scratch, w * 4, false);
		if (!ret)
			ret = gvt_gm_access(vgpu, dst + y * dstride, vgpu->scratch,
					    w * 4, true);
		if (ret)
			return gvt_engine_fault(ret);
	}
	return GVT_ERR_NONE;
}

/* Operand count of each opcode, or -1 for opcodes that do not exist. */
static int gvt_cmd_len(u32 opcode)
{
	switch (opcode) {
	case GVT_OP_NOOP:
	case GVT_OP_USER_INTERRUPT:
	case GVT_OP_BB_END:
		return 0;
	case GVT_OP_BB_START:
		return 1;
	case GVT_OP_STORE_DWORD:
		return 2;
	case GVT_OP_FILL_RECT:
		return 4;
	case GVT_OP_COPY_RECT:
		return 5;
	}
	return -1;
}

/*
 * What a command costs of a time slice: 1, plus 1 per 1024 pixels drawn,
 * so a slice is about engine time and not just a number of commands.
 */
static unsigned int gvt_cmd_cost(const u32 *dw)
{
	u32 rect;

	switch (GVT_CMD_OPCODE(dw[0])) {
	case GVT_OP_FILL_RECT:
		rect = dw[3];
		break;
	case GVT_OP_COPY_RECT:
		rect = dw[5];
		break;
	default:
		return 1;
	}
	return 1 + (rect & 0xffff) * (rect >> 16) / 1024;
}

/* Fetch @n dwords of the current command; the ring wraps at its end. */
static int gvt_engine_fetch(struct gvt_vgpu *vgpu, u32 first, u32 *dw, unsigned int n)
{
	struct gvt_engine_state *e = &vgpu->engine;
	u32 start = gvt_reg(vgpu, GVT_REG_RING_START);
	u32 size = gvt_ring_bytes(vgpu);
	__le32 raw[GVT_CMD_MAX_LEN + 1];
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		u32 addr = e->in_batch ? e->batch_addr + 4 * (first + i) :
			   start + (gvt_reg(vgpu, GVT_REG_RING_HEAD) + 4 * (first + i)) % size;

		ret = gvt_gm_read(vgpu, addr, &raw[i], 4);
		if (ret)
			return ret;
		dw[first + i] = le32_to_cpu(raw[i]);
	}
	return 0;
}

/*
 * Execute one command.  Return: its cost in slice units if it ran, 0 if
 * the ring holds only part of the next command (wait for the guest), -1
 * if the ring stopped.
 */
static int gvt_engine_step(struct gvt_vgpu *vgpu)
{
	struct gvt_engine_state *e = &vgpu->engine;
	struct gvt_engine_state saved = *e;
	u32 head = gvt_reg(vgpu, GVT_REG_RING_HEAD);
	u32 size = gvt_ring_bytes(vgpu);
	u32 dw[GVT_CMD_MAX_LEN + 1];
	u32 addr, err = GVT_ERR_NONE;
	int len, ret;

	if (e->in_batch) {
		addr = e->batch_addr;
	} else {
		if ((u64)gvt_reg(vgpu, GVT_REG_RING_START) + size > gvt_gm_size(vgpu)) {
			gvt_engine_error(vgpu, GVT_ERR_BAD_RING,
					 gvt_reg(vgpu, GVT_REG_RING_START));
			return -1;
		}
		addr = gvt_reg(vgpu, GVT_REG_RING_START) + head;
	}
	gvt_reg_set(vgpu, GVT_REG_ACTHD, addr);

	ret = gvt_engine_fetch(vgpu, 0, dw, 1);
	if (ret) {
		gvt_engine_error(vgpu, gvt_engine_fault(ret), addr);
		return -1;
	}
	len = gvt_cmd_len(GVT_CMD_OPCODE(dw[0]));
	if (len < 0 || (GVT_CMD_OPCODE(dw[0]) == GVT_OP_BB_END && !e->in_batch)) {
		gvt_engine_error(vgpu, GVT_ERR_BAD_OPCODE, addr);
		return -1;
	}
	if (GVT_CMD_LEN(dw[0]) != len) {
		gvt_engine_error(vgpu, GVT_ERR_BAD_LENGTH, addr);
		return -1;
	}
	if (!e->in_batch) {
		u32 avail = (gvt_reg(vgpu, GVT_REG_RING_TAIL) - head + size) % size;

		if (avail < 4 * (len + 1)) {
			e->starved = true;
			return 0;
		}
	}
	ret = gvt_engine_fetch(vgpu, 1, dw, len);
	if (ret) {
		gvt_engine_error(vgpu, gvt_engine_fault(ret), addr);
		return -1;
	}

	/* the command is consumed before it runs: BB_START moves on from here */
	if (e->in_batch)
		e->batch_addr += 4 * (len + 1);
	else
		gvt_reg_set(vgpu, GVT_REG_RING_HEAD, (head + 4 * (len + 1)) % size);

	switch (GVT_CMD_OPCODE(dw[0])) {
	case GVT_OP_NOOP:
		break;
	case GVT_OP_STORE_DWORD:
		err = gvt_cmd_store_dword(vgpu, dw + 1);
		break;
	case GVT_OP_FILL_RECT:
		err = gvt_cmd_fill_rect(vgpu, dw + 1);
		break;
	case GVT_OP_COPY_RECT:
		err = gvt_cmd_copy_rect(vgpu, dw + 1);
		break;
	case GVT_OP_USER_INTERRUPT:
		gvt_irq_raise(vgpu, GVT_IRQ_USER);
		break;
	case GVT_OP_BB_START:
		if (dw[1] & 3) {
			err = GVT_ERR_BAD_ARGS;
			break;
		}
		/* from a batch, this chains: the old batch is not resumed */
		e->in_batch = true;
		e->batch_addr = dw[1];
		break;
	case GVT_OP_BB_END:
		e->in_batch = false;
		break;
	}
	if (err) {
		/* leave HEAD (or the batch address) on the culprit */
		*e = saved;
		gvt_reg_set(vgpu, GVT_REG_RING_HEAD, head);
		gvt_engine_error(vgpu, err, addr);
		return -1;
	}
	gvt_reg_set(vgpu, GVT_REG_CMD_COUNT, gvt_reg(vgpu, GVT_REG_CMD_COUNT) + 1);
	return gvt_cmd_cost(dw);
}

/**
 * gvt_engine_run - run a vGPU's commands for one time slice
 * @vgpu: the vGPU, its lock held
 * @budget: the slice, in the units of gvt_cmd_cost()
 *
 * The last command may overrun the slice a little; commands are not split.
 *
 * Return: the part of the slice used.
 */
unsigned int gvt_engine_run(struct gvt_vgpu *vgpu, unsigned int budget)
{
	unsigned int done = 0;

	lockdep_assert_held(&vgpu->lock);
	while (done < budget && gvt_engine_has_work(vgpu)) {
		int cost = gvt_engine_step(vgpu);

		if (cost <= 0)
			break;
		done += cost;
	}
	return done;
}
