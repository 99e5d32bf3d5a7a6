#!/usr/bin/env bun
import { main } from "./cmd/index.ts";

await main(process.argv.slice(2));
