/** @module @sniper/evaluator (work in progress) */
export {}
