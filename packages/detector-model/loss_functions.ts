import * as tf from "@tensorflow/tfjs"

/** Smooth L1 with sigma 1 (Huber, beta 1), elementwise. */
export function smoothL1(x: tf.Tensor): tf.Tensor {
  const a = tf.abs(x)
  const q = tf.minimum(a, 1)
  return tf.add(tf.mul(0.5, tf.square(q)), tf.sub(a, q))
}

/** Binary cross entropy of logits x against 0/1 targets y, elementwise and stable. */
export function bceWithLogits(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))
}
