import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';

export async function adminApi(_app: FastifyInstance, _deps: { db: Db; config: Config }): Promise<void> {}
