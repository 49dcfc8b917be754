// Apollo hashes every query with @apollo/utils.createhash, which calls module.require('crypto') on each request
// (a module-cache lookup through every loader hook, tsx's included). The same hash, from a crypto taken once.
import { createHash } from 'node:crypto';
import apolloHash = require('@apollo/utils.createhash');

(apolloHash as { createHash: (kind: string) => ReturnType<typeof createHash> }).createHash = (kind: string) => createHash(kind);
