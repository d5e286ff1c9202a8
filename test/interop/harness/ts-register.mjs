/**
 * `node --import test/interop/harness/ts-register.mjs entry.ts`: registers
 * the TypeScript module hooks (ts-hooks.mjs) for a child process that runs
 * the project's sources directly.
 */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
