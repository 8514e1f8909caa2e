/** @module @sniper/boxes (work in progress) */
export {}
