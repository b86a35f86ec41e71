#!/usr/bin/env node
// The `dtsim` command. It runs the TypeScript sources directly through tsx's loader, so there is no
// build step a user can forget and no stale dist/ that disagrees with src/ (tsx caches compiled
// files, so the cost after the first run is small). tsx is a runtime dependency for this reason.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
