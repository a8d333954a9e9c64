import type Sharp from "sharp";

/** sharp (libvips) is loaded at the first image: a server nobody sends an image to never maps it (~30 MB of memory). */
export async function loadSharp(): Promise<typeof Sharp> {
  return (await import("sharp")).default;
}
