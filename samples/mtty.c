// SPDX-License-Identifier: GPL-2.0-only
/**
 * DOC: mtty - virtual PCI serial cards as mediated devices
 *
 * A sample mdev vendor driver: the one to copy when writing a new one.
 *
 * A class device "mtty" is the parent; it offers two types of card,
 * mtty-1 with one port and mtty-2 with two, carved out of a shared pool
 * of ports (module parameter ``ports``).  Each card is a conventional PCI
 * function that looks like a plain 16550A serial card to the guest:
 *
 * - config space with the read-only and writable bits of real hardware,
 *   an MSI capability, and one 8-byte I/O BAR per port (BAR0, BAR1);
 * - a 16550A UART behind each BAR, with its transmitter wired straight
 *   back to its own receiver, so whatever the guest sends it reads back;
 * - INTx (masked on assertion until userspace unmasks it), MSI, ERR and
 *   REQ interrupts delivered through eventfds.
 *
 * The PCI IDs are those of the Lava single and dual serial cards, which
 * Linux's 8250_pci driver binds as one or two 16550-compatible ports with
 * one 8-byte I/O BAR per port and no quirks, so a guest drives the card
 * with its stock serial driver.  Each type needs an ID of its own: a
 * one-port card with a two-port ID would send the guest looking for a
 * second BAR that is not there.
 *
 * Nothing is mapped into the user's address space: every access goes
 * through read()/write() on the device fd and is emulated here, at region
 * offsets encoded as ``index << 40`` as vfio-pci does.
 */
#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/kernel.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci_regs.h>
#include <linux/serial_reg.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <asm/unaligned.h>

#include <compat/kcompat.h>

#define MTTY_NAME		"mtty"
#define MTTY_MAX_PORTS		2
#define MTTY_PORT_IO_SIZE	8	/* one 16550A register file */
#define MTTY_FIFO_SIZE		16
#define MTTY_IIR_FIFOS_ON	0xc0	/* IIR bits 7:6 of a 16550A with FIFOs on */

/* PCI identity: see the DOC comment for why these IDs. */
#define MTTY_PCI_VENDOR		0x1407	/* Lava Computer Mfg */
#define MTTY_PCI_DEV_1PORT	0x0500	/* Lava Single Serial */
#define MTTY_PCI_DEV_2PORT	0x0100	/* Lava Dual Serial */
#define MTTY_PCI_CLASS		0x070002 /* serial controller, 16550 */
#define MTTY_PCI_REVISION	0x01

/* Where the MSI capability lives in our config space. */
#define MTTY_MSI_CAP		0x50

/* Region offsets in the device fd, as vfio-pci encodes them. */
#define MTTY_OFFSET_SHIFT	40
#define MTTY_OFFSET_TO_INDEX(off)	((off) >> MTTY_OFFSET_SHIFT)
#define MTTY_INDEX_TO_OFFSET(index)	((u64)(index) << MTTY_OFFSET_SHIFT)
#define MTTY_OFFSET_MASK	(MTTY_INDEX_TO_OFFSET(1) - 1)

static unsigned int mtty_pool_ports = 24;
module_param_named(ports, mtty_pool_ports, uint, 0444);
MODULE_PARM_DESC(ports, "Serial ports shared by all mtty cards (default 24)");

/**
 * struct mtty_type - a kind of card
 * @type: the mdev core's part; the table below is what the core lists
 * @nr_ports: ports (and I/O BARs) on the card, taken from the pool
 * @pci_device: PCI device ID the card reports
 */
struct mtty_type {
	struct mdev_type type;
	unsigned int nr_ports;
	u16 pci_device;
};

static inline const struct mtty_type *to_mtty_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct mtty_type, type);
}

/**
 * struct mtty_parent - the "mtty" class device cards are created under
 * @dev: the class device, /sys/class/mtty/mtty
 * @parent: the mdev core's part
 * @lock: protects @ports_free
 * @ports_free: ports of the pool not used by any card
 */
struct mtty_parent {
	struct device dev;
	struct mdev_parent parent;
	struct mutex lock;		/* protects ports_free */
	unsigned int ports_free;
};

static inline struct mtty_parent *to_mtty_parent(struct mdev_parent *parent)
{
	return container_of(parent, struct mtty_parent, parent);
}

/**
 * struct mtty_fifo - the receiver FIFO of one port
 * @data: ring buffer
 * @head: index of the oldest byte in @data
 * @count: bytes queued
 *
 * With FIFOs disabled the same structure serves as the one-byte receiver
 * buffer register of a 16450.
 */
struct mtty_fifo {
	u8 data[MTTY_FIFO_SIZE];
	unsigned int head;
	unsigned int count;
};

/**
 * struct mtty_uart - the registers of one emulated 16550A
 * @rx: receiver FIFO (RBR)
 * @ier: interrupt enable register, low four bits only
 * @fcr: FIFO control as last written: enable, DMA mode and trigger level
 * @lcr: line control register; bit 7 (DLAB) switches offsets 0 and 1
 *       to the divisor latch
 * @mcr: modem control register, low five bits only
 * @lsr: the sticky error bits of the line status register (OE, PE, FE,
 *       BI, FIFOE); DR, THRE and TEMT are derived from the FIFO state
 * @msr_delta: the change bits of the modem status register (DCTS, DDSR,
 *             TERI, DDCD); the line bits are derived from @mcr
 * @scr: scratch register
 * @dl: divisor latch (DLM:DLL)
 * @thri: a THR-empty interrupt is latched.  Set when the transmitter
 *        empties or the interrupt is enabled, cleared by writing THR or
 *        by reading IIR while it is the interrupt reported
 */
struct mtty_uart {
	struct mtty_fifo rx;
	u8 ier;
	u8 fcr;
	u8 lcr;
	u8 mcr;
	u8 lsr;
	u8 msr_delta;
	u8 scr;
	u16 dl;
	bool thri;
};

/**
 * enum mtty_irq_mode - the interrupt userspace has set up
 * @MTTY_IRQ_NONE: none: interrupts are not delivered
 * @MTTY_IRQ_INTX: legacy INTx through an eventfd
 * @MTTY_IRQ_MSI: one MSI vector through an eventfd
 */
enum mtty_irq_mode {
	MTTY_IRQ_NONE,
	MTTY_IRQ_INTX,
	MTTY_IRQ_MSI,
};

/**
 * struct mtty_state - one mediated serial card
 * @vdev: the VFIO core's part; must come first (vfio_alloc_device())
 * @type: the card's type, fixed at creation
 * @lock: protects every member below it; taken by every access from
 *        userspace, so the emulation runs one access at a time
 * @config: PCI config space as the user sees it
 * @config_wmask: per config byte, the bits a write may change
 * @config_w1c: per config byte, the bits a write of 1 clears
 * @port: the UARTs, one per port of @type
 * @irq_mode: which of INTx and MSI is set up, if any
 * @irq_trigger: eventfd of @irq_mode, or NULL
 * @err_trigger: eventfd of the ERR index, or NULL (never signalled: an
 *               emulated card has no bus errors)
 * @req_trigger: eventfd of the REQ index, or NULL
 * @irq_level: the card's interrupt output as last computed: some port
 *             has an interrupt pending
 * @intx_masked: INTx is masked, either automatically when it fired or
 *               by the user; VFIO_IRQ_SET_ACTION_UNMASK clears it
 */
struct mtty_state {
	struct vfio_device vdev;
	const struct mtty_type *type;

	struct mutex lock;		/* protects all that follows */
	u8 config[PCI_CFG_SPACE_SIZE];
	u8 config_wmask[PCI_CFG_SPACE_SIZE];
	u8 config_w1c[PCI_CFG_SPACE_SIZE];
	struct mtty_uart port[MTTY_MAX_PORTS];
	enum mtty_irq_mode irq_mode;
	struct eventfd_ctx *irq_trigger;
	struct eventfd_ctx *err_trigger;
	struct eventfd_ctx *req_trigger;
	bool irq_level;
	bool intx_masked;
};

static inline struct mtty_state *to_mtty(struct vfio_device *vdev)
{
	return container_of(vdev, struct mtty_state, vdev);
}

/* ------------------------------------------------------------------ */
/* Interrupts                                                          */
/* ------------------------------------------------------------------ */

static u8 mtty_uart_iir(const struct mtty_uart *u);

static bool mtty_irq_pending(struct mtty_state *mtty)
{
	unsigned int i;

	for (i = 0; i < mtty->type->nr_ports; i++)
		if (!(mtty_uart_iir(&mtty->port[i]) & UART_IIR_NO_INT))
			return true;
	return false;
}

static bool mtty_intx_disabled(struct mtty_state *mtty)
{
	return get_unaligned_le16(&mtty->config[PCI_COMMAND]) &
	       PCI_COMMAND_INTX_DISABLE;
}

/*
 * Recompute the card's interrupt output after anything that may have
 * changed it, and deliver it.  INTx is level triggered: while the line is
 * up and INTx unmasked, signal once and mask, as a host masks a level
 * interrupt until its handler has run.  MSI is a message: send one on
 * each rising edge.
 */
static void mtty_update_irq(struct mtty_state *mtty)
{
	bool level = mtty_irq_pending(mtty);
	bool rising = level && !mtty->irq_level;
	u16 status;

	lockdep_assert_held(&mtty->lock);

	mtty->irq_level = level;
	status = get_unaligned_le16(&mtty->config[PCI_STATUS]);
	if (level)
		status |= PCI_STATUS_INTERRUPT;
	else
		status &= ~PCI_STATUS_INTERRUPT;
	put_unaligned_le16(status, &mtty->config[PCI_STATUS]);

	if (!mtty->irq_trigger)
		return;

	switch (mtty->irq_mode) {
	case MTTY_IRQ_INTX:
		if (level && !mtty->intx_masked && !mtty_intx_disabled(mtty)) {
			kc_eventfd_signal(mtty->irq_trigger);
			mtty->intx_masked = true;
		}
		break;
	case MTTY_IRQ_MSI:
		if (rising)
			kc_eventfd_signal(mtty->irq_trigger);
		break;
	case MTTY_IRQ_NONE:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* 16550A emulation                                                    */
/* ------------------------------------------------------------------ */

static bool mtty_fifo_enabled(const struct mtty_uart *u)
{
	return u->fcr & UART_FCR_ENABLE_FIFO;
}

static unsigned int mtty_rx_trigger(const struct mtty_uart *u)
{
	static const unsigned int level[] = { 1, 4, 8, 14 };

	return level[(u->fcr & UART_FCR_TRIGGER_MASK) >> 6];
}

static void mtty_fifo_clear(struct mtty_fifo *f)
{
	f->head = 0;
	f->count = 0;
}

static void mtty_fifo_push(struct mtty_fifo *f, u8 ch)
{
	f->data[(f->head + f->count) % MTTY_FIFO_SIZE] = ch;
	f->count++;
}

static u8 mtty_fifo_pop(struct mtty_fifo *f)
{
	u8 ch = f->data[f->head];

	f->head = (f->head + 1) % MTTY_FIFO_SIZE;
	f->count--;
	return ch;
}

/*
 * The modem status lines the UART sees.  In loopback mode the 16550 wires
 * its outputs to its inputs (RTS to CTS, DTR to DSR, OUT1 to RI, OUT2 to
 * DCD); otherwise the port is cabled to a peer that is always ready.
 */
static u8 mtty_uart_modem_lines(const struct mtty_uart *u)
{
	u8 lines = 0;

	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;

	if (u->mcr & UART_MCR_RTS)
		lines |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		lines |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		lines |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		lines |= UART_MSR_DCD;
	return lines;
}

/*
 * Besides loopback, OUT2 does nothing here: PC motherboards gate a UART's
 * interrupt with it, but PCI cards like this one wire the interrupt
 * straight to INTA#.  (Linux sets OUT2 whenever it uses the interrupt, so
 * either behaviour suits it.)
 */
static void mtty_uart_write_mcr(struct mtty_uart *u, u8 val)
{
	u8 old = mtty_uart_modem_lines(u);
	u8 new, changed;

	u->mcr = val & 0x1f;
	new = mtty_uart_modem_lines(u);
	changed = old ^ new;

	if (changed & UART_MSR_CTS)
		u->msr_delta |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		u->msr_delta |= UART_MSR_DDSR;
	if (changed & UART_MSR_DCD)
		u->msr_delta |= UART_MSR_DDCD;
	if ((old & UART_MSR_RI) && !(new & UART_MSR_RI))
		u->msr_delta |= UART_MSR_TERI;
}

static u8 mtty_uart_lsr(const struct mtty_uart *u)
{
	/* Transmission is instantaneous: THR and shifter are always empty. */
	u8 lsr = u->lsr | UART_LSR_THRE | UART_LSR_TEMT;

	if (u->rx.count)
		lsr |= UART_LSR_DR;
	return lsr;
}

/* The interrupt a port reports, highest priority first; no FIFO bits. */
static u8 mtty_uart_iir(const struct mtty_uart *u)
{
	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_BRK_ERROR_BITS))
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx.count) {
		/*
		 * Below the trigger level a real FIFO reports a character
		 * timeout once the line has been idle for four characters.
		 * Nothing more will arrive until the guest sends again, so
		 * the line is idle at once.
		 */
		if (mtty_fifo_enabled(u) && u->rx.count < mtty_rx_trigger(u))
			return UART_IIR_RX_TIMEOUT;
		return UART_IIR_RDI;
	}
	if ((u->ier & UART_IER_THRI) && u->thri)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr_delta & UART_MSR_ANY_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/* A character arrives at the receiver. */
static void mtty_uart_receive(struct mtty_uart *u, u8 ch)
{
	if (!mtty_fifo_enabled(u) && u->rx.count) {
		/* 16450 mode: the new byte overwrites the unread one. */
		mtty_fifo_clear(&u->rx);
		mtty_fifo_push(&u->rx, ch);
		u->lsr |= UART_LSR_OE;
	} else if (u->rx.count == MTTY_FIFO_SIZE) {
		/* FIFO full: the byte in the shift register is lost. */
		u->lsr |= UART_LSR_OE;
	} else {
		mtty_fifo_push(&u->rx, ch);
	}
}

/* A byte written to THR: send it, which lands it in our own receiver. */
static void mtty_uart_transmit(struct mtty_uart *u, u8 ch)
{
	mtty_uart_receive(u, ch);
	/* ...and THR is empty again straight away. */
	u->thri = true;
}

/*
 * Setting LCR's break bit sends a break to our own receiver: a zero
 * character with BI, flagged in LSR bit 7 too when FIFOs are on.  (A real
 * FIFO reports BI when that character reaches its head; reporting it at
 * once is close enough for a port that only hears itself.)
 */
static void mtty_uart_send_break(struct mtty_uart *u)
{
	mtty_uart_receive(u, 0);
	u->lsr |= UART_LSR_BI;
	if (mtty_fifo_enabled(u))
		u->lsr |= UART_LSR_FIFOE;
}

static void mtty_uart_write_fcr(struct mtty_uart *u, u8 val)
{
	/* Turning the FIFOs on or off empties them. */
	if ((val ^ u->fcr) & UART_FCR_ENABLE_FIFO)
		mtty_fifo_clear(&u->rx);
	if (val & UART_FCR_CLEAR_RCVR)
		mtty_fifo_clear(&u->rx);
	/* The transmitter never holds anything: UART_FCR_CLEAR_XMIT is a no-op. */

	if (val & UART_FCR_ENABLE_FIFO)
		u->fcr = val & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT |
				UART_FCR_TRIGGER_MASK);
	else
		u->fcr = 0;
}

static u8 mtty_uart_read(struct mtty_uart *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 val;

	switch (reg) {
	case UART_RX:
		if (dlab)
			return u->dl & 0xff;
		return u->rx.count ? mtty_fifo_pop(&u->rx) : 0;
	case UART_IER:
		if (dlab)
			return u->dl >> 8;
		return u->ier;
	case UART_IIR:
		val = mtty_uart_iir(u);
		/* Reporting a THR-empty interrupt acknowledges it. */
		if (val == UART_IIR_THRI)
			u->thri = false;
		if (mtty_fifo_enabled(u))
			val |= MTTY_IIR_FIFOS_ON;
		return val;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		val = mtty_uart_lsr(u);
		/* Error bits are cleared by reading them. */
		u->lsr &= ~(UART_LSR_BRK_ERROR_BITS | UART_LSR_FIFOE);
		return val;
	case UART_MSR:
		val = mtty_uart_modem_lines(u) | u->msr_delta;
		u->msr_delta = 0;
		return val;
	case UART_SCR:
		return u->scr;
	}
	return 0;
}

static void mtty_uart_write(struct mtty_uart *u, unsigned int reg, u8 val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_TX:
		if (dlab)
			u->dl = (u->dl & 0xff00) | val;
		else
			mtty_uart_transmit(u, val);
		break;
	case UART_IER:
		if (dlab) {
			u->dl = (u->dl & 0x00ff) | (val << 8);
			break;
		}
		/* Enabling the THR-empty interrupt raises it: THR is empty. */
		if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thri = true;
		u->ier = val & 0x0f;
		break;
	case UART_FCR:
		mtty_uart_write_fcr(u, val);
		break;
	case UART_LCR:
		if ((val & UART_LCR_SBC) && !(u->lcr & UART_LCR_SBC))
			mtty_uart_send_break(u);
		u->lcr = val;
		break;
	case UART_MCR:
		mtty_uart_write_mcr(u, val);
		break;
	case UART_LSR:
	case UART_MSR:
		/* Read-only; writes are for the factory test mode we lack. */
		break;
	case UART_SCR:
		u->scr = val;
		break;
	}
}

/* Power-on state of a 16550A (its master reset). */
static void mtty_uart_reset(struct mtty_uart *u)
{
	memset(u, 0, sizeof(*u));
}

/* ------------------------------------------------------------------ */
/* PCI config space                                                    */
/* ------------------------------------------------------------------ */

/* Command bits the card implements; it has no memory BARs. */
#define MTTY_COMMAND_WMASK	(PCI_COMMAND_IO | PCI_COMMAND_MASTER |	\
				 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | \
				 PCI_COMMAND_INTX_DISABLE)
/* Status error bits, all write-one-to-clear. */
#define MTTY_STATUS_W1C		(PCI_STATUS_PARITY |			\
				 PCI_STATUS_SIG_TARGET_ABORT |		\
				 PCI_STATUS_REC_TARGET_ABORT |		\
				 PCI_STATUS_REC_MASTER_ABORT |		\
				 PCI_STATUS_SIG_SYSTEM_ERROR |		\
				 PCI_STATUS_DETECTED_PARITY)
/* MSI control: enable and the vector count granted (we ask for one). */
#define MTTY_MSI_FLAGS_WMASK	(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE)

static void mtty_config_init(struct mtty_state *mtty)
{
	u8 *cfg = mtty->config;
	u8 *wmask = mtty->config_wmask;
	unsigned int i;

	memset(cfg, 0, PCI_CFG_SPACE_SIZE);
	memset(wmask, 0, PCI_CFG_SPACE_SIZE);
	memset(mtty->config_w1c, 0, PCI_CFG_SPACE_SIZE);

	put_unaligned_le16(MTTY_PCI_VENDOR, &cfg[PCI_VENDOR_ID]);
	put_unaligned_le16(mtty->type->pci_device, &cfg[PCI_DEVICE_ID]);
	put_unaligned_le16(PCI_STATUS_CAP_LIST | PCI_STATUS_DEVSEL_MEDIUM,
			   &cfg[PCI_STATUS]);
	put_unaligned_le32(MTTY_PCI_CLASS << 8 | MTTY_PCI_REVISION,
			   &cfg[PCI_CLASS_REVISION]);
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put_unaligned_le16(MTTY_PCI_VENDOR, &cfg[PCI_SUBSYSTEM_VENDOR_ID]);
	put_unaligned_le16(mtty->type->pci_device, &cfg[PCI_SUBSYSTEM_ID]);
	cfg[PCI_CAPABILITY_LIST] = MTTY_MSI_CAP;
	cfg[PCI_INTERRUPT_PIN] = 1;	/* INTA# */

	put_unaligned_le16(MTTY_COMMAND_WMASK, &wmask[PCI_COMMAND]);
	put_unaligned_le16(MTTY_STATUS_W1C, &mtty->config_w1c[PCI_STATUS]);
	wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	wmask[PCI_LATENCY_TIMER] = 0xff;
	wmask[PCI_INTERRUPT_LINE] = 0xff;

	/*
	 * One I/O BAR per port.  Its low bits are the size and the I/O space
	 * indicator, so writing all ones reads back ~(size - 1) | 1.  The
	 * remaining BARs and the expansion ROM are not implemented: they
	 * read zero whatever is written.
	 */
	for (i = 0; i < mtty->type->nr_ports; i++) {
		unsigned int bar = PCI_BASE_ADDRESS_0 + 4 * i;

		put_unaligned_le32(PCI_BASE_ADDRESS_SPACE_IO, &cfg[bar]);
		put_unaligned_le32(~(u32)(MTTY_PORT_IO_SIZE - 1) &
				   PCI_BASE_ADDRESS_IO_MASK, &wmask[bar]);
	}

	/* MSI, 64-bit addresses, one vector, no per-vector masking. */
	cfg[MTTY_MSI_CAP + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	cfg[MTTY_MSI_CAP + PCI_CAP_LIST_NEXT] = 0;
	put_unaligned_le16(PCI_MSI_FLAGS_64BIT, &cfg[MTTY_MSI_CAP + PCI_MSI_FLAGS]);
	put_unaligned_le16(MTTY_MSI_FLAGS_WMASK,
			   &wmask[MTTY_MSI_CAP + PCI_MSI_FLAGS]);
	put_unaligned_le32(0xfffffffc, &wmask[MTTY_MSI_CAP + PCI_MSI_ADDRESS_LO]);
	put_unaligned_le32(0xffffffff, &wmask[MTTY_MSI_CAP + PCI_MSI_ADDRESS_HI]);
	put_unaligned_le16(0xffff, &wmask[MTTY_MSI_CAP + PCI_MSI_DATA_64]);
}

static void mtty_config_write(struct mtty_state *mtty, unsigned int off,
			      const u8 *buf, size_t count)
{
	size_t i;

	lockdep_assert_held(&mtty->lock);

	for (i = 0; i < count; i++, off++) {
		u8 wmask = mtty->config_wmask[off];
		u8 val = (mtty->config[off] & ~wmask) | (buf[i] & wmask);

		val &= ~(buf[i] & mtty->config_w1c[off]);
		mtty->config[off] = val;
	}
	/* The command register may have changed PCI_COMMAND_INTX_DISABLE. */
	mtty_update_irq(mtty);
}

/* ------------------------------------------------------------------ */
/* Regions                                                             */
/* ------------------------------------------------------------------ */

static u64 mtty_region_size(struct mtty_state *mtty, unsigned int index)
{
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return PCI_CFG_SPACE_SIZE;
	if (index >= VFIO_PCI_BAR0_REGION_INDEX &&
	    index < VFIO_PCI_BAR0_REGION_INDEX + mtty->type->nr_ports)
		return MTTY_PORT_IO_SIZE;
	return 0;
}

/* Each UART register is one byte wide: wider accesses touch several. */
static void mtty_bar_access(struct mtty_state *mtty, unsigned int index,
			    unsigned int off, u8 *buf, size_t count, bool write)
{
	struct mtty_uart *u = &mtty->port[index - VFIO_PCI_BAR0_REGION_INDEX];
	size_t i;

	lockdep_assert_held(&mtty->lock);

	for (i = 0; i < count; i++) {
		if (write)
			mtty_uart_write(u, off + i, buf[i]);
		else
			buf[i] = mtty_uart_read(u, off + i);
	}
	mtty_update_irq(mtty);
}

static ssize_t mtty_access(struct mtty_state *mtty, char __user *ubuf,
			   size_t count, loff_t *ppos, bool write)
{
	unsigned int index = MTTY_OFFSET_TO_INDEX((u64)*ppos);
	u64 off = *ppos & MTTY_OFFSET_MASK;
	u8 kbuf[PCI_CFG_SPACE_SIZE];	/* the largest region */
	u64 size;

	if (*ppos < 0 || index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	size = mtty_region_size(mtty, index);
	if (off >= size || count > size - off)
		return -EINVAL;

	if (write && copy_from_user(kbuf, ubuf, count))
		return -EFAULT;

	mutex_lock(&mtty->lock);
	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		if (write)
			mtty_config_write(mtty, off, kbuf, count);
		else
			memcpy(kbuf, &mtty->config[off], count);
	} else {
		mtty_bar_access(mtty, index, off, kbuf, count, write);
	}
	mutex_unlock(&mtty->lock);

	if (!write && copy_to_user(ubuf, kbuf, count))
		return -EFAULT;

	*ppos += count;
	return count;
}

static ssize_t mtty_read(struct vfio_device *vdev, char __user *buf,
			 size_t count, loff_t *ppos)
{
	return mtty_access(to_mtty(vdev), buf, count, ppos, false);
}

static ssize_t mtty_write(struct vfio_device *vdev, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	/* mtty_access() only reads from the buffer when @write is true. */
	return mtty_access(to_mtty(vdev), (char __user *)buf, count, ppos,
			   true);
}

/* ------------------------------------------------------------------ */
/* Device state                                                        */
/* ------------------------------------------------------------------ */

static void mtty_put_eventfd(struct eventfd_ctx **ctx)
{
	if (*ctx) {
		eventfd_ctx_put(*ctx);
		*ctx = NULL;
	}
}

/* Swap in the eventfd @fd, or none for -1. */
static int mtty_set_eventfd(struct eventfd_ctx **ctx, s32 fd)
{
	struct eventfd_ctx *new = NULL;

	if (fd >= 0) {
		new = eventfd_ctx_fdget(fd);
		if (IS_ERR(new))
			return PTR_ERR(new);
	} else if (fd != -1) {
		return -EINVAL;
	}
	mtty_put_eventfd(ctx);
	*ctx = new;
	return 0;
}

static void mtty_irq_disable(struct mtty_state *mtty)
{
	lockdep_assert_held(&mtty->lock);

	mtty_put_eventfd(&mtty->irq_trigger);
	mtty->irq_mode = MTTY_IRQ_NONE;
	mtty->intx_masked = false;
}

/*
 * A function reset: the UARTs return to their power-on state, and the
 * command register and MSI enable are cleared.  BAR addresses and the
 * interrupt line survive, as they do when a host saves and restores them
 * around a reset; so do the interrupts userspace has set up.
 */
static void mtty_reset(struct mtty_state *mtty)
{
	unsigned int i;
	u16 flags;

	lockdep_assert_held(&mtty->lock);

	for (i = 0; i < MTTY_MAX_PORTS; i++)
		mtty_uart_reset(&mtty->port[i]);

	put_unaligned_le16(0, &mtty->config[PCI_COMMAND]);
	flags = get_unaligned_le16(&mtty->config[MTTY_MSI_CAP + PCI_MSI_FLAGS]);
	flags &= ~MTTY_MSI_FLAGS_WMASK;
	put_unaligned_le16(flags, &mtty->config[MTTY_MSI_CAP + PCI_MSI_FLAGS]);
	mtty_update_irq(mtty);
}

static int mtty_init_dev(struct vfio_device *vdev)
{
	struct mtty_state *mtty = to_mtty(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	unsigned int i;

	mutex_init(&mtty->lock);
	mtty->type = to_mtty_type(mdev->type);
	mtty_config_init(mtty);
	for (i = 0; i < MTTY_MAX_PORTS; i++)
		mtty_uart_reset(&mtty->port[i]);
	return 0;
}

static void mtty_release_dev(struct vfio_device *vdev)
{
	mutex_destroy(&to_mtty(vdev)->lock);
	/*
	 * The memory came from vfio_alloc_device(), so the core owns it.
	 * Linux 6.1's core expects release to hand it back explicitly; ours
	 * frees it after release returns and takes this call as a no-op.
	 */
	vfio_free_device(vdev);
}

/* Every open starts from a freshly powered-on card. */
static int mtty_open_device(struct vfio_device *vdev)
{
	struct mtty_state *mtty = to_mtty(vdev);

	mutex_lock(&mtty->lock);
	mtty_config_init(mtty);
	mtty_reset(mtty);
	mutex_unlock(&mtty->lock);
	return 0;
}

static void mtty_close_device(struct vfio_device *vdev)
{
	struct mtty_state *mtty = to_mtty(vdev);

	mutex_lock(&mtty->lock);
	mtty_irq_disable(mtty);
	mtty_put_eventfd(&mtty->err_trigger);
	mtty_put_eventfd(&mtty->req_trigger);
	mutex_unlock(&mtty->lock);
}

/* The card is being removed while open: ask the user to let go. */
static void mtty_request(struct vfio_device *vdev, unsigned int count)
{
	struct mtty_state *mtty = to_mtty(vdev);

	mutex_lock(&mtty->lock);
	if (mtty->req_trigger) {
		if (!count)
			dev_notice(vdev->dev, "asking the user to release the device\n");
		kc_eventfd_signal(mtty->req_trigger);
	} else if (!count) {
		dev_notice(vdev->dev,
			   "no REQ eventfd: waiting for the user to close the device\n");
	}
	mutex_unlock(&mtty->lock);
}

/* ------------------------------------------------------------------ */
/* ioctls                                                              */
/* ------------------------------------------------------------------ */

/*
 * Copy in the first @minsz bytes of an ioctl argument, which all start
 * with argsz, and check that userspace passed at least that much.
 */
static int mtty_copy_arg(void *karg, const void __user *uarg, size_t minsz)
{
	u32 argsz;

	if (copy_from_user(karg, uarg, minsz))
		return -EFAULT;
	memcpy(&argsz, karg, sizeof(argsz));
	return argsz < minsz ? -EINVAL : 0;
}

static int mtty_ioctl_get_info(struct mtty_state *mtty,
			       struct vfio_device_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;
	int ret;

	ret = mtty_copy_arg(&info, arg, minsz);
	if (ret)
		return ret;

	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int mtty_ioctl_get_region_info(struct mtty_state *mtty,
				      struct vfio_region_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;
	int ret;

	ret = mtty_copy_arg(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;

	info.size = mtty_region_size(mtty, info.index);
	info.offset = MTTY_INDEX_TO_OFFSET(info.index);
	info.flags = 0;
	if (info.size)
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static unsigned int mtty_irq_count(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_ERR_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	}
	return 0;	/* MSI-X: not implemented */
}

static int mtty_ioctl_get_irq_info(struct mtty_state *mtty,
				   struct vfio_irq_info __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	ret = mtty_copy_arg(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info.count = mtty_irq_count(info.index);
	info.flags = info.count ? VFIO_IRQ_INFO_EVENTFD : 0;
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (info.index == VFIO_PCI_MSI_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_NORESIZE;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* For DATA_NONE and DATA_BOOL: does the request say "do it"? */
static bool mtty_irq_data_true(u32 flags, const void *data)
{
	if (flags & VFIO_IRQ_SET_DATA_BOOL)
		return *(const u8 *)data;
	return true;
}

/* ACTION_TRIGGER on INTx or MSI, which share one eventfd slot. */
static int mtty_set_irq_trigger(struct mtty_state *mtty,
				enum mtty_irq_mode mode, u32 flags,
				u32 count, const void *data)
{
	int ret;

	lockdep_assert_held(&mtty->lock);

	/* One interrupt mode at a time, as on a real function. */
	if (mtty->irq_mode != MTTY_IRQ_NONE && mtty->irq_mode != mode)
		return -EINVAL;

	if (!count) {
		if (!(flags & VFIO_IRQ_SET_DATA_NONE))
			return -EINVAL;
		mtty_irq_disable(mtty);
		return 0;
	}

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(const s32 *)data;

		if (fd < 0) {
			mtty_irq_disable(mtty);
			return 0;
		}
		ret = mtty_set_eventfd(&mtty->irq_trigger, fd);
		if (ret)
			return ret;
		mtty->irq_mode = mode;
		mtty->intx_masked = false;
		/* Deliver what is already pending, as an edge for MSI too. */
		mtty->irq_level = false;
		mtty_update_irq(mtty);
		return 0;
	}

	/* DATA_NONE or DATA_BOOL: userspace fires the interrupt to test. */
	if (mtty->irq_mode != mode)
		return -EINVAL;
	if (mtty_irq_data_true(flags, data))
		kc_eventfd_signal(mtty->irq_trigger);
	return 0;
}

static int mtty_set_irqs_intx(struct mtty_state *mtty, u32 flags, u32 count,
			      const void *data)
{
	u32 action = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;

	lockdep_assert_held(&mtty->lock);

	if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
		return mtty_set_irq_trigger(mtty, MTTY_IRQ_INTX, flags, count,
					    data);

	/* MASK and UNMASK; unmasking by eventfd (irqfd resample) is not supported. */
	if (mtty->irq_mode != MTTY_IRQ_INTX || count != 1 ||
	    (flags & VFIO_IRQ_SET_DATA_EVENTFD))
		return -EINVAL;
	if (!mtty_irq_data_true(flags, data))
		return 0;

	if (action == VFIO_IRQ_SET_ACTION_MASK) {
		mtty->intx_masked = true;
	} else {
		mtty->intx_masked = false;
		mtty_update_irq(mtty);	/* still asserted: fire again */
	}
	return 0;
}

/* ERR and REQ: a single eventfd each, trigger only. */
static int mtty_set_irqs_ctx(struct eventfd_ctx **ctx, u32 flags, u32 count,
			     const void *data)
{
	if (!(flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -EINVAL;

	if (!count) {
		if (!(flags & VFIO_IRQ_SET_DATA_NONE))
			return -EINVAL;
		mtty_put_eventfd(ctx);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return mtty_set_eventfd(ctx, *(const s32 *)data);
	if (*ctx && mtty_irq_data_true(flags, data))
		kc_eventfd_signal(*ctx);
	return 0;
}

static int mtty_ioctl_set_irqs(struct mtty_state *mtty,
			       struct vfio_irq_set __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u8 *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	/* The core's check leaves combined actions to the driver. */
	if (hweight32(hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) != 1)
		return -EINVAL;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, mtty_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;

	if (data_size) {
		data = memdup_user(arg->data, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&mtty->lock);
	switch (hdr.index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		ret = mtty_set_irqs_intx(mtty, hdr.flags, hdr.count, data);
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (hdr.flags & VFIO_IRQ_SET_ACTION_TRIGGER)
			ret = mtty_set_irq_trigger(mtty, MTTY_IRQ_MSI, hdr.flags,
						   hdr.count, data);
		else
			ret = -EINVAL;	/* no per-vector masking */
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
		ret = mtty_set_irqs_ctx(&mtty->err_trigger, hdr.flags,
					hdr.count, data);
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		ret = mtty_set_irqs_ctx(&mtty->req_trigger, hdr.flags,
					hdr.count, data);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&mtty->lock);

	kfree(data);
	return ret;
}

static int mtty_ioctl_reset(struct mtty_state *mtty)
{
	mutex_lock(&mtty->lock);
	mtty_reset(mtty);
	mutex_unlock(&mtty->lock);
	return 0;
}

static long mtty_ioctl(struct vfio_device *vdev, unsigned int cmd,
		       unsigned long arg)
{
	struct mtty_state *mtty = to_mtty(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return mtty_ioctl_get_info(mtty, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return mtty_ioctl_get_region_info(mtty, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return mtty_ioctl_get_irq_info(mtty, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return mtty_ioctl_set_irqs(mtty, uarg);
	case VFIO_DEVICE_RESET:
		return mtty_ioctl_reset(mtty);
	}
	return -ENOTTY;
}

/* ------------------------------------------------------------------ */
/* The mdev side: types, the port pool, probe and remove              */
/* ------------------------------------------------------------------ */

static int mtty_take_ports(struct mtty_parent *parent, unsigned int n)
{
	int ret = 0;

	mutex_lock(&parent->lock);
	if (parent->ports_free < n)
		ret = -ENOSPC;
	else
		parent->ports_free -= n;
	mutex_unlock(&parent->lock);
	return ret;
}

static void mtty_give_ports(struct mtty_parent *parent, unsigned int n)
{
	mutex_lock(&parent->lock);
	parent->ports_free += n;
	mutex_unlock(&parent->lock);
}

static const struct vfio_device_ops mtty_dev_ops;

static int mtty_probe(struct mdev_device *mdev)
{
	struct mtty_parent *parent = to_mtty_parent(mdev->type->parent);
	const struct mtty_type *type = to_mtty_type(mdev->type);
	struct mtty_state *mtty;
	int ret;

	ret = mtty_take_ports(parent, type->nr_ports);
	if (ret)
		return ret;

	mtty = vfio_alloc_device(mtty_state, vdev, &mdev->dev, &mtty_dev_ops);
	if (IS_ERR(mtty)) {
		ret = PTR_ERR(mtty);
		goto err_give_ports;
	}

	dev_set_drvdata(&mdev->dev, mtty);
	ret = vfio_register_emulated_iommu_dev(&mtty->vdev);
	if (ret)
		goto err_put_device;

	dev_dbg(&mdev->dev, "%s created\n", type->type.pretty_name);
	return 0;

err_put_device:
	vfio_put_device(&mtty->vdev);
err_give_ports:
	mtty_give_ports(parent, type->nr_ports);
	return ret;
}

static void mtty_remove(struct mdev_device *mdev)
{
	struct mtty_parent *parent = to_mtty_parent(mdev->type->parent);
	struct mtty_state *mtty = dev_get_drvdata(&mdev->dev);
	unsigned int nr_ports = mtty->type->nr_ports;

	/* Waits for the user to close the card, calling mtty_request(). */
	vfio_unregister_group_dev(&mtty->vdev);
	vfio_put_device(&mtty->vdev);
	mtty_give_ports(parent, nr_ports);
}

static unsigned int mtty_get_available(struct mdev_type *mtype)
{
	struct mtty_parent *parent = to_mtty_parent(mtype->parent);
	unsigned int avail;

	mutex_lock(&parent->lock);
	avail = parent->ports_free / to_mtty_type(mtype)->nr_ports;
	mutex_unlock(&parent->lock);
	return avail;
}

static ssize_t mtty_show_description(struct mdev_type *mtype, char *buf)
{
	const struct mtty_type *type = to_mtty_type(mtype);

	return sysfs_emit(buf,
			  "PCI serial card with %u 16550A port%s (I/O BAR%s), each looped back to itself\n",
			  type->nr_ports, type->nr_ports > 1 ? "s" : "",
			  type->nr_ports > 1 ? "0-1" : "0");
}

static struct mtty_type mtty_types[] = {
	{
		.type.sysfs_name = "1",
		.type.pretty_name = "Single port serial",
		.nr_ports = 1,
		.pci_device = MTTY_PCI_DEV_1PORT,
	},
	{
		.type.sysfs_name = "2",
		.type.pretty_name = "Dual port serial",
		.nr_ports = 2,
		.pci_device = MTTY_PCI_DEV_2PORT,
	},
};

static struct mdev_type *mtty_mdev_types[] = {
	&mtty_types[0].type,
	&mtty_types[1].type,
};

/* The module's only state: the parent and its class. */
static struct class *mtty_class;
static struct mtty_parent *mtty_parent;

static const struct vfio_device_ops mtty_dev_ops = {
	.name		= "vfio-mtty",
	.init		= mtty_init_dev,
	.release	= mtty_release_dev,
	.open_device	= mtty_open_device,
	.close_device	= mtty_close_device,
	.read		= mtty_read,
	.write		= mtty_write,
	.ioctl		= mtty_ioctl,
	.request	= mtty_request,
};

static struct mdev_driver mtty_driver = {
	.device_api	= VFIO_DEVICE_API_PCI_STRING,
	.probe		= mtty_probe,
	.remove		= mtty_remove,
	.get_available	= mtty_get_available,
	.show_description = mtty_show_description,
	.driver = {
		.name		= MTTY_NAME,
		.owner		= THIS_MODULE,
		.mod_name	= KBUILD_MODNAME,
	},
};

static void mtty_parent_release(struct device *dev)
{
	struct mtty_parent *parent = container_of(dev, struct mtty_parent, dev);

	mutex_destroy(&parent->lock);
	kfree(parent);
}

static int __init mtty_init(void)
{
	struct mtty_parent *parent;
	int ret;

	ret = mdev_register_driver(&mtty_driver);
	if (ret)
		return ret;

	mtty_class = kc_class_create(MTTY_NAME);
	if (IS_ERR(mtty_class)) {
		ret = PTR_ERR(mtty_class);
		goto err_unregister_driver;
	}

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent) {
		ret = -ENOMEM;
		goto err_destroy_class;
	}
	mutex_init(&parent->lock);
	parent->ports_free = mtty_pool_ports;
	device_initialize(&parent->dev);
	parent->dev.class = mtty_class;
	parent->dev.release = mtty_parent_release;
	ret = dev_set_name(&parent->dev, MTTY_NAME);
	if (ret)
		goto err_put_parent;
	ret = device_add(&parent->dev);
	if (ret)
		goto err_put_parent;

	ret = mdev_register_parent(&parent->parent, &parent->dev, &mtty_driver,
				   mtty_mdev_types, ARRAY_SIZE(mtty_mdev_types));
	if (ret)
		goto err_del_parent;

	mtty_parent = parent;
	return 0;

err_del_parent:
	device_del(&parent->dev);
err_put_parent:
	put_device(&parent->dev);
err_destroy_class:
	class_destroy(mtty_class);
err_unregister_driver:
	mdev_unregister_driver(&mtty_driver);
	return ret;
}

static void __exit mtty_exit(void)
{
	mdev_unregister_parent(&mtty_parent->parent);
	device_unregister(&mtty_parent->dev);
	class_destroy(mtty_class);
	mdev_unregister_driver(&mtty_driver);
}

module_init(mtty_init);
module_exit(mtty_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sample mdev driver: virtual PCI 16550A serial cards");
MODULE_AUTHOR("The mdev project");
