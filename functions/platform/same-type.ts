/**
 * `true` only when A and B are the same type (each assignable to the other is not enough: this
 * also tells optional from required and `any` from anything). Used so a wire schema and the
 * domain type it describes cannot drift: `const check: SameType<z.infer<typeof S>, T> = true`.
 */
export type SameType<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
