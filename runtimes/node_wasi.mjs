// rtwasm's Node.js runner (embedded in rtwasm, see node.go).
//
//   node [V8 flags] node_wasi.mjs MODULE.wasm [ARGS...]
//     compiles and instantiates the module, runs its _start through
//     node:wasi (preview1) and exits with the guest's exit status;
//   node [V8 flags] node_wasi.mjs --probe
//     prints the Node and V8 versions and the guest clock as WASI serves it.
import { openSync, readFileSync } from 'node:fs';
import { argv, exit, stdout, versions } from 'node:process';
import { WASI } from 'node:wasi';

// A module that only exports one page of memory: enough for WASI's clock
// calls to write their answers somewhere.
const MEMORY_ONLY = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x05, 0x03, 0x01, 0x00, 0x01, // memory section: one memory, min 1 page
  0x07, 0x0a, 0x01, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, // export "memory"
]);

// probe reports what a guest's CLOCK_REALTIME (id 0) looks like: the
// resolution clock_res_get claims, and the coarsest power of ten that
// divides 1000 consecutive readings (1000 when only microseconds are real).
async function probe() {
  const wasi = new WASI({ version: 'preview1', returnOnExit: true });
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(MEMORY_ONLY), {});
  wasi.initialize(instance);
  const memory = new DataView(instance.exports.memory.buffer);
  wasi.wasiImport.clock_res_get(0, 0);
  const claimed = memory.getBigUint64(0, true);
  let granularity = 1000000000n;
  for (let i = 0; i < 1000; i++) {
    wasi.wasiImport.clock_time_get(0, 1n, 8);
    const t = memory.getBigUint64(8, true);
    while (granularity > 1n && t % granularity !== 0n) granularity /= 10n;
  }
  stdout.write(`node ${versions.node} v8 ${versions.v8} clock_res ${claimed} clock_granularity ${granularity}\n`);
}

// blockingFd reopens the process's stdout or stderr as a fresh open file
// description. Node makes its own descriptors 0-2 non-blocking when they
// are pipes, and node:wasi's fd_write then drops what a full pipe refuses
// (EAGAIN); the reopened descriptor blocks, so every byte arrives. 'a'
// keeps a file's contents; a descriptor that cannot be reopened (a socket)
// is used as it is.
function blockingFd(fd) {
  try {
    return openSync(`/proc/self/fd/${fd}`, 'a');
  } catch {
    return fd;
  }
}

async function run(file, args) {
  const wasi = new WASI({
    version: 'preview1', args: ['kernel', ...args], env: {}, returnOnExit: true,
    stdout: blockingFd(1), stderr: blockingFd(2),
  });
  const module = await WebAssembly.compile(readFileSync(file));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  return wasi.start(instance);
}

const [first, ...rest] = argv.slice(2);
if (first === '--probe') {
  await probe();
} else if (first) {
  exit(await run(first, rest));
} else {
  console.error('usage: node node_wasi.mjs MODULE.wasm [ARGS...] | node node_wasi.mjs --probe');
  exit(2);
}
