/**
 * The entry of a verifier thread (verifier-pool.ts): holds its own TrustStore (rebuilt when the
 * service's anchors change) and the reference values it was sent, and answers each job with
 * exactly what the event-loop thread would compute (verify-job.ts, src/tpm's makeCredential).
 *
 * Jobs wait in two queues and a MakeCredential goes first: the VM waiting for it still has its
 * credential activation and quote to do in the event-loop thread, while a VM waiting for its
 * verification has only its result left — answering activations first keeps that thread busy.
 * Updates (anchors, reference values) apply in arrival order, before any job that follows them.
 */
import { parentPort } from 'node:worker_threads';
import { TrustStore, type ReferenceValues } from '../../attestation/index.js';
import { makeCredential } from '../../tpm/crypto/make-credential.js';
import type { MakeArgs, WorkerReply, WorkerRequest } from './verifier-pool.js';
import { runVerifyJob } from './verify-job.js';
import { unpack } from './wire.js';

const port = parentPort;
if (!port) throw new Error('verifier-worker.js runs as a worker thread');

/** The TrustStore of the anchors last sent, or why they did not load. */
type Trust = { readonly store: TrustStore } | { readonly error: string };
let trust: Trust = { store: new TrustStore([]) };
const refs = new Map<number, ReferenceValues>();
type Job = Extract<WorkerRequest, { t: 'make' | 'verify' | 'ping' }>;
const makes: Job[] = [];
/** Verifications with the trust store and reference values they were sent after. */
const verifies: { job: Extract<WorkerRequest, { t: 'verify' }>; trust: Trust; refs: ReferenceValues | undefined }[] = [];
let scheduled = false;

function answer(id: number, f: () => unknown): void {
  let reply: WorkerReply;
  try {
    reply = { id, ok: true, value: f() };
  } catch (e) {
    reply = { id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  port!.postMessage(reply);
}

/** One job per turn, so messages arriving meanwhile (a MakeCredential) are queued before the next pick. */
function drain(): void {
  scheduled = false;
  const m = makes.shift();
  if (m) {
    if (m.t === 'ping') answer(m.id, () => true);
    else if (m.t === 'make') {
      const a = unpack<MakeArgs>(m.args, m.bytes);
      answer(m.id, () => makeCredential(a.ekPublic, a.secret, a.akName));
    }
  } else {
    const v = verifies.shift();
    if (!v) return;
    const { job, trust: t, refs: r } = v;
    answer(job.id, () => {
      if ('error' in t) throw new Error(t.error);
      if (job.refsId !== undefined && !r) throw new Error(`reference values ${job.refsId} were not sent to this thread`);
      return runVerifyJob({ ...job.job, evidence: unpack(job.job.evidence, job.bytes) }, r, t.store);
    });
  }
  if (makes.length || verifies.length) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(drain);
}

port.on('message', (m: WorkerRequest) => {
  switch (m.t) {
    case 'anchors':
      try {
        trust = { store: new TrustStore(m.anchors) };
      } catch (e) {
        // The service's own TrustStore refused the same anchors; jobs say so until they change.
        trust = { error: `the trust anchors do not load: ${(e as Error).message}` };
      }
      return;
    case 'refs':
      refs.set(m.id, m.refs);
      return;
    case 'forget':
      refs.delete(m.id);
      return;
    case 'verify':
      verifies.push({ job: m, trust, refs: m.refsId === undefined ? undefined : refs.get(m.refsId) });
      return schedule();
    case 'ping':
    case 'make':
      makes.push(m);
      return schedule();
  }
});
