/**
 * Boot diagnostics: the serial console a Gen2 VM prints while it boots, in the words real
 * firmware (Hyper-V UEFI), shim, grub and the Linux kernel use — so an operator reading
 * `tl vm boot-diagnostics get-boot-log` sees which component failed, its signer and why
 * (the document's "verificar quais componentes de inicialização são responsáveis por falhas
 * da inicialização segura"). Timestamps are kernel-style seconds since power-on.
 */

export class SerialConsole {
  private readonly lines: string[] = [];
  private t = 0;

  /** Firmware and boot loader lines (no timestamp, as on a real console). */
  raw(line: string): this {
    this.lines.push(line);
    return this;
  }

  /** A kernel line, `[    1.234567] …`. */
  kernel(line: string, advanceMs = 3): this {
    this.t += advanceMs / 1000;
    this.lines.push(`[${this.t.toFixed(6).padStart(12, ' ')}] ${line}`);
    return this;
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** What Hyper-V Gen2 firmware shows when Secure Boot refuses the first-stage loader. */
export function firmwareRefusal(file: string, reason: string, signer: string | undefined): string[] {
  return [
    'Virtual Machine Boot Summary',
    '',
    `1. SCSI Disk (0,0)    The image's hash and certificate are not allowed (DB).`,
    '',
    `   ${file}: ${reason}${signer ? ` (signer: ${signer})` : ''}`,
    '',
    'No operating system was loaded. Your virtual machine may be configured incorrectly.',
    'Secure Boot: the boot loader failed the Secure Boot verification.',
  ];
}
