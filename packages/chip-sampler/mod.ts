/** @module @sniper/chip-sampler (work in progress) */
export {}
