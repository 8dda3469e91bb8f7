import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message the sink accepted. */
export interface SunkMessage {
  to: string[];
  /** The whole message as sent (headers and MIME parts). */
  raw: string;
  subject: string;
  /** The raw message with quoted-printable soft breaks and escapes undone, to search the bodies in. */
  decoded: string;
}

/** An SMTP server on 127.0.0.1 for tests: keeps what it accepts, or refuses every recipient while failing. */
export interface SmtpSink {
  url: string;
  messages: SunkMessage[];
  /** Recipients refused while failing, one entry per refusal. */
  refusals: string[];
  /** While set, every RCPT TO is answered with this transient (4xx) refusal. */
  failWith: string | undefined;
  /** Resolves with the messages `match` selects once there are at least `count`; rejects after `timeoutMs`. */
  waitFor(
    match: (message: SunkMessage) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<SunkMessage[]>;
  close(): Promise<void>;
}

/** Decodes a header's RFC 2047 encoded words (nodemailer encodes non-ASCII subjects). */
function decodeHeader(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
    kind.toLowerCase() === "b"
      ? Buffer.from(text, "base64").toString("utf8")
      : text
          .replace(/_/g, " ")
          .replace(/=([0-9a-f]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))),
  );
}

/** Starts the sink on a free loopback port (no TLS, no authentication). */
export async function startSmtpSink(): Promise<SmtpSink> {
  const sink = {
    messages: [] as SunkMessage[],
    refusals: [] as string[],
    failWith: undefined as string | undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (sink.failWith) {
        sink.refusals.push(address.address);
        return callback(Object.assign(new Error(sink.failWith), { responseCode: 451 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const header = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, " ");
        const subject = decodeHeader(/^subject: (.*)$/im.exec(header)?.[1] ?? "").trim();
        const decoded = raw
          .replace(/=\r?\n/g, "")
          .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        sink.messages.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          subject,
          decoded,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(sink, {
    url: `smtp://127.0.0.1:${port}`,
    async waitFor(match: (message: SunkMessage) => boolean, count = 1, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = sink.messages.filter(match);
        if (found.length >= count) return found;
        if (Date.now() > deadline)
          throw new Error(`${found.length} of ${count} expected messages arrived within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
