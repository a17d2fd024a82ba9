import type { FastifyInstance } from 'fastify';
import { findProduct, listProducts } from '../../../core/loyalty/products.js';
import { notFound } from '../../../core/shared/errors.js';
import type { FideltourDeps } from '../context.js';
import { pathId } from '../input.js';
import { listAnswer, pageOf } from '../paging.js';
import { presentProduct } from '../presenters.js';

/** Products members can redeem points for (made through the admin API). */
export async function productRoutes(app: FastifyInstance, { db, config }: FideltourDeps): Promise<void> {
  app.get('/products/', { schema: { tags: ['products'], summary: 'List products' } }, async (request) => {
    const page = pageOf(request);
    const { count, rows } = await listProducts(db, request.loyaltyCaller.accountId, page);
    return listAnswer(config, request, page, count, rows.map(presentProduct));
  });

  app.get<{ Params: { id: string } }>('/products/:id/', { schema: { tags: ['products'], summary: 'Get a product' } }, async (request) => {
    const product = await findProduct(db, request.loyaltyCaller.accountId, pathId(request.params.id, 'product'));
    if (!product) throw notFound('product');
    return presentProduct(product);
  });
}
