/** @module @sniper/detector-model (work in progress) */
export {}
