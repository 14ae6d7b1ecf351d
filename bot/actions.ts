import type { z } from 'zod';
import type { HandlerContext, Reply } from './turn';

/**
 * One table from Action.Execute verb to { zod schema of its data, handler }. The dispatcher parses
 * the card data with the schema before the handler runs; card data never carries entity state.
 */
export type ActionDef<S extends z.ZodType = z.ZodType> = {
  schema: S;
  handle: (ctx: HandlerContext, data: z.output<S>) => Promise<Reply>;
};

export const action = <S extends z.ZodType>(
  schema: S,
  handle: (ctx: HandlerContext, data: z.output<S>) => Promise<Reply>,
): ActionDef<S> => ({ schema, handle });

export type ActionTable = Record<string, ActionDef>;
