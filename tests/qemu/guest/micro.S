/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The micro-guest: a multiboot (v1) ELF32 image for QEMU's -kernel, built
 * with binutils alone (as --32, ld -m elf_i386 -Ttext 0x100000).
 *
 * It prints "VK-MICRO-READY" on COM1, arms the ACPI power button of the
 * PIIX4 power-management function (PCI 00:01.3) and spins until the button
 * is pressed (QMP system_powerdown), then prints "VK-MICRO-POWEROFF" and
 * enters S5 through PM1_CNT, which QEMU reports as a guest shutdown.
 * While it spins it also plays the OS's part in ACPI PCI hot-unplug: any
 * slot QEMU asks to remove (PCI_DOWN at 0xae04, root bus selected at
 * 0xae10) is ejected at once (PCI_EJ at 0xae08), so device_del completes,
 * and every byte that arrives on COM1 is echoed back with lower-case
 * letters upper-cased: console tests type "ping" and must read "PING",
 * which only a round trip through the guest produces.
 * Everything is port I/O: no paging, no memory map.  Built with IDLE
 * defined (micro-idle.elf, which the tests and benches run), it waits between polls
 * in hlt for a 100 Hz PIT tick instead of spinning, so a hundred of them
 * under TCG do not take every CPU of the host; it then has its own GDT
 * and an IDT whose every gate only acknowledges the PIC.
 */
    .code32
    .text
    .global _start

    .align 4
multiboot_header:
    .long 0x1BADB002                 /* magic */
    .long 0x00000000                 /* flags: none needed for an ELF image */
    .long -(0x1BADB002 + 0x00000000) /* checksum */

_start:
    cli
    mov $0x90000, %esp
.ifdef IDLE
    call idle_setup
.endif

    /* PCI config 00:01.3, register 0x80 (PMREGMISC): enable PM I/O space. */
    mov $0x80000B80, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    or $1, %eax
    out %eax, %dx

    /* Register 0x40 (PMBA): the PM I/O base; firmware normally set it. */
    mov $0x80000B40, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    and $0xffc0, %eax
    jnz 1f
    mov $0x601, %eax                 /* unset: put it where SeaBIOS would */
    out %eax, %dx
    mov $0x600, %eax
1:
    mov %eax, %ebx                   /* ebx = PM base */

    /* PM1_EN (base + 2) |= PWRBTN_EN (bit 8) */
    lea 2(%ebx), %edx
    in %dx, %ax
    or $0x100, %ax
    out %ax, %dx

    xor %eax, %eax                   /* select the root bus for PCI hotplug */
    mov $0xae10, %dx
    out %eax, %dx

    /* READY only now: QEMU drops a power-button press that arrives while
     * PWRBTN_EN is still clear, and tests press it as soon as they read
     * READY (under load the gap was long enough to lose the press). */
    mov $msg_ready, %esi
    call puts

wait_button:
    mov $0xae04, %dx                 /* PCI_DOWN: slots QEMU wants removed */
    in %dx, %eax
    test %eax, %eax
    jz 3f
    mov $0xae08, %dx                 /* PCI_EJ: eject them */
    out %eax, %dx
3:
    mov $0x3fd, %dx                  /* COM1 LSR: DR (bit 0), a byte came in */
    in %dx, %al
    test $1, %al
    jz 4f
    mov $0x3f8, %dx                  /* RBR: take it, echo it upper-cased */
    in %dx, %al
    cmp $'a', %al
    jb 5f
    cmp $'z', %al
    ja 5f
    sub $0x20, %al
5:
    out %al, %dx
4:
    mov %ebx, %edx                   /* PM1_STS (base + 0) */
    in %dx, %ax
    test $0x100, %ax                 /* PWRBTN_STS */
    jnz power_off
.ifdef IDLE
    sti                              /* hlt runs before any tick is taken */
    hlt
    cli
.else
    pause
.endif
    jmp wait_button

power_off:
    mov $msg_off, %esi
    call puts
    lea 4(%ebx), %edx                /* PM1_CNT: SLP_EN, SLP_TYP 0 = S5 */
    mov $0x2000, %ax
    out %ax, %dx
halt:
    hlt
    jmp halt

/* Writes the NUL-terminated string at esi to COM1. */
puts:
    lodsb
    test %al, %al
    jz 2f
    mov $0x3f8, %dx
    out %al, %dx
    jmp puts
2:
    ret

.ifdef IDLE
    .equ IDT_BASE, 0x70000           /* 256 gates, below the stack */

/* Flat segments of our own (the loader's GDT may be anywhere), an IDT
 * whose gates all lead to tick, the PIC at vectors 0x20.. with only IRQ0
 * open, the local APIC passing the PIC through, and PIT channel 0 at
 * 100 Hz (1193182 / 11932). */
idle_setup:
    lgdt gdt_desc
    ljmp $0x08, $1f
1:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    mov $IDT_BASE, %edi
    mov $256, %ecx
2:
    mov $tick, %eax
    mov %ax, (%edi)                  /* offset 15..0 */
    movw $0x08, 2(%edi)              /* code selector */
    movw $0x8e00, 4(%edi)            /* present, ring 0, 32-bit interrupt gate */
    shr $16, %eax
    mov %ax, 6(%edi)                 /* offset 31..16 */
    add $8, %edi
    loop 2b
    lidt idt_desc

    mov $0x11, %al                   /* ICW1: edge, cascade, ICW4 follows */
    out %al, $0x20
    out %al, $0xa0
    mov $0x20, %al                   /* ICW2: vector bases */
    out %al, $0x21
    mov $0x28, %al
    out %al, $0xa1
    mov $4, %al                      /* ICW3: slave on IRQ2 */
    out %al, $0x21
    mov $2, %al
    out %al, $0xa1
    mov $1, %al                      /* ICW4: 8086 mode */
    out %al, $0x21
    out %al, $0xa1
    mov $0xfe, %al                   /* masks: IRQ0 only */
    out %al, $0x21
    mov $0xff, %al
    out %al, $0xa1

    /* The local APIC in virtual-wire mode: LINT0 takes the PIC's
     * interrupts (ExtINT).  SeaBIOS leaves it so; qboot, which the tests
     * boot, leaves it masked as at reset, and then no tick ever arrives.
     * LVT writes only unmask once the APIC is software-enabled (SVR). */
    movl $0x1ff, 0xfee000f0          /* SVR: enabled, spurious vector 0xff */
    movl $0x700, 0xfee00350          /* LVT LINT0: ExtINT, unmasked */

    mov $0x34, %al                   /* channel 0, lo/hi, rate generator */
    out %al, $0x43
    mov $(11932 & 0xff), %al
    out %al, $0x40
    mov $(11932 >> 8), %al
    out %al, $0x40
    ret

tick:
    push %eax
    mov $0x20, %al                   /* non-specific EOI */
    out %al, $0x20
    pop %eax
    iret

    .align 8
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff         /* 0x08: code, base 0, 4 GiB */
    .quad 0x00cf93000000ffff         /* 0x10: data, base 0, 4 GiB */
gdt_desc:
    .word 23
    .long gdt
idt_desc:
    .word 256 * 8 - 1
    .long IDT_BASE
.endif

msg_ready:
    .asciz "VK-MICRO-READY\n"
msg_off:
    .asciz "VK-MICRO-POWEROFF\n"
