// Microsoft Graph subset (phase 2): registered in a later commit.
import type { Hono } from 'hono';
import type { Simulator } from '../simulator.js';

export function registerGraph(_app: Hono, _sim: Simulator): void {}
