import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

/*
 * Route schemas are compiled on a route's first request, not when the app starts. Compiling every
 * route's validators (Ajv) and response serializers (fast-json-stringify) in `ready()` took about
 * 400 ms of CPU per app (most of a server's start, and of each test that builds an app) for
 * routes a process may never serve; a route now pays its own compile, once, on its first use.
 * What is compiled, and so every answer, is the same as before. The compiles not run yet are
 * kept per app (SchemaCompiles), so a test can run them all and find a schema that does not
 * compile before a request does (test/route-schemas.test.ts).
 */

type Compiled = ((data: any) => any) & { errors?: FastifySchemaValidationError[] | null };

declare module 'fastify' {
  interface FastifyInstance {
    /** Compiles every route schema not compiled yet (src/api/http/lazy-schemas.ts); returns how many. */
    compileRouteSchemas(): number;
  }
}

/** The compiles an app's routes have not needed yet. */
export interface SchemaCompiles {
  /** runs every compile still pending; returns how many there were */
  compileAll(): number;
}

interface Pending extends SchemaCompiles {
  defer(compile: () => void): void;
  done(compile: () => void): void;
}

export function schemaCompiles(): Pending {
  const pending = new Set<() => void>();
  return {
    defer: (compile) => pending.add(compile),
    done: (compile) => pending.delete(compile),
    compileAll() {
      const all = [...pending];
      for (const compile of all) compile();
      return all.length;
    },
  };
}

/**
 * A validator compiler whose validators compile on their first call. Fastify reads `errors` off
 * the function it was given after a call that returned false, so they are copied from the
 * compiled one.
 */
export function lazyValidatorCompiler(compileNow: FastifySchemaCompiler<any>, compiles: Pending): FastifySchemaCompiler<any> {
  return (route) => {
    let compiled: Compiled | undefined;
    const ensure = () => {
      compiled ??= compileNow(route) as Compiled;
      compiles.done(ensure);
      return compiled;
    };
    compiles.defer(ensure);
    const validate: Compiled = (data) => {
      const fn = compiled ?? ensure();
      const result = fn(data);
      validate.errors = fn.errors;
      return result;
    };
    validate.errors = null;
    return validate as never;
  };
}

/** Fastify's own serializer factory (fast-json-stringify), each route's serializer built on its first answer. */
export function lazySerializerFactory(compiles: Pending) {
  const buildFactory = SerializerSelector();
  return (externalSchemas: unknown, serializerOpts: unknown) => {
    const build = buildFactory(externalSchemas as never, serializerOpts as never);
    return (routeSchema: Parameters<typeof build>[0]) => {
      let serialize: ((data: unknown) => string) | undefined;
      const ensure = () => {
        serialize ??= build(routeSchema);
        compiles.done(ensure);
        return serialize;
      };
      compiles.defer(ensure);
      return (data: unknown) => (serialize ?? ensure())(data);
    };
  };
}
