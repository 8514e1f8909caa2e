/** @module @sniper/coco-io (work in progress) */
export {}
