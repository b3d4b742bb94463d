import { z } from 'zod';

/** Reasons the model may give for handing the conversation to a person. */
export const modelHandoffReasons = ['none', 'no_answer', 'customer_asked', 'complaint', 'sensitive'] as const;

/**
 * The one structured result of a model call. Descriptions are in Chinese: they are part of the
 * prompt the model sees (as the tool's parameter schema or the JSON format). The decision comes
 * before the answer: models write the fields in the schema's order, so a streamed answer can be
 * drafted only once the decision it belongs to (handoff, confidence, citations) has been read.
 */
export const modelAnswerSchema = z.object({
  intent: z
    .string()
    .describe(
      '客户意图的英文短代码，如 shipping_time、shipping_status、return、refund、invoice、membership、payment、after_sales、store_hours、complaint、legal、account_security、chitchat、other',
    ),
  entities: z
    .object({
      orderNumber: z.string().nullable().describe('订单号，没有则为 null'),
      phone: z.string().nullable().describe('手机号，没有则为 null'),
      product: z.string().nullable().describe('商品名称，没有则为 null'),
      date: z.string().nullable().describe('客户提到的日期或时间，没有则为 null'),
      amount: z.string().nullable().describe('客户提到的金额，没有则为 null'),
    })
    .describe('从客户消息中提取的实体'),
  handoffReason: z.enum(modelHandoffReasons).describe('需要转人工的原因；资料中没有答案时为 no_answer；不需要时为 none'),
  confidence: z.number().min(0).max(1).describe('对回复正确性的把握，0 到 1'),
  citedChunkIds: z
    .array(z.string())
    .describe('回复所依据的资料编号（<passage id="…"> 中的 id），至少一个；没有依据则为空数组，handoffReason 为 no_answer'),
  answer: z.string().describe('给客户的回复：简洁、礼貌的中文；只依据资料；转人工时可为空字符串'),
});

export type ModelAnswer = z.infer<typeof modelAnswerSchema>;
