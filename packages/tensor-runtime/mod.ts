/** @module @sniper/tensor-runtime (work in progress) */
export {}
