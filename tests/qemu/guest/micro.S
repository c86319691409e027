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
 * Everything is port I/O: no interrupts, no paging, no memory map.
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

    mov $msg_ready, %esi
    call puts

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
    pause
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

msg_ready:
    .asciz "VK-MICRO-READY\n"
msg_off:
    .asciz "VK-MICRO-POWEROFF\n"
