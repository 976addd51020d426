export const auth = {
  clientSecret: 'N/ujM32DRtA6IytNvaazOX/5zac9nhsj1jnPqcxl1iA=',
  signingKeyPassword: 'DtUYwi&l5I1KX4@Le',
};
